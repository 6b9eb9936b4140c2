import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import { ConfigInvalidError, type Auditor } from '@waymark/core';
import { createGateway, type Gateway, type WebRouteFactory } from '@waymark/gateway';
import type { MetricsRegistry } from '@waymark/http';
import type { Clock, Logger, RateLimiterFactory, Stores } from '@waymark/sdk';

/*
 * The `gateway` section of the serve configuration, and what `waymark gateway` shares with it:
 * read the gateway configuration (inline, or a file), fill the defaults a Waymark server knows
 * (its public URL, its own provider as the token issuer), build the gateway, put it in front
 * of the server's app, and follow the file.
 *
 * Live changes: the routes' control plane is the gateway file. It is polled (its mtime and
 * size, every `pollMs`); a changed file is read, checked and swapped in at once
 * (`gateway.reload`); a file that fails the check is refused, logged, and the running routes
 * stay. Every process of a deployment polls the same file (one volume, one ConfigMap), so all
 * serve the new routes within `pollMs`. An inline `config` is fixed until the restart. This is
 * the simplest mechanism that is honest about what it does: the control-plane stores of
 * @waymark/sdk hold flows and clients, not routes.
 */

/** `"gateway": { "file": "gateway.json" }` or `{ "config": { "routes": [...] } }`. */
export interface GatewaySettings {
  file?: string;
  config?: unknown;
  /** Milliseconds between two looks at `file`. Default 1000. */
  pollMs?: number;
}

export const gatewaySettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'the gateway (packages/gateway): { "file": "gateway.json" } (followed live) or { "config": { "publicUrl"?, "routes": [...] } }; publicUrl defaults to the issuer\'s origin, a route\'s "token" to the "oidc" provider',
  properties: {
    file: {
      type: 'string',
      minLength: 1,
      description: 'a JSON file of the gateway configuration, relative to this file; changes are served within pollMs',
    },
    config: { type: 'object', description: 'the gateway configuration inline: { "publicUrl"?, "routes": [...], "policies"? }' },
    pollMs: { type: 'integer', minimum: 100, default: 1000, description: 'milliseconds between two looks at "file". Default 1000' },
  },
  oneOf: [{ required: ['file'] }, { required: ['config'] }],
} as const;

/** What a Waymark server fills in for a gateway configuration that leaves it out. */
export interface GatewayDefaults {
  /** Default `publicUrl`: the server's issuer origin. */
  publicUrl: string;
  /** Default route `token`: Waymark's own provider. */
  token?: { issuer: string; jwksUri: string };
}

/** The configuration with the defaults filled in (a copy; unknown shapes are left for the gateway's check to name). */
export function withGatewayDefaults(raw: unknown, defaults: GatewayDefaults): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const config: Record<string, unknown> = {
    ...(defaults.publicUrl ? { publicUrl: defaults.publicUrl } : {}),
    ...(raw as Record<string, unknown>),
  };
  if (Array.isArray(config.routes) && defaults.token)
    config.routes = config.routes.map((route: unknown) =>
      route !== null &&
      typeof route === 'object' &&
      (route as { kind?: unknown }).kind !== 'web' &&
      (route as { token?: unknown }).token === undefined
        ? { ...route, token: defaults.token }
        : route,
    );
  return config;
}

/** Reads a gateway file as JSON; ERR_CONFIG_INVALID naming the file when it cannot. */
export function readGatewayFile(file: string, pointer: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigInvalidError('config', [
      {
        code: 'ERR_CONFIG_INVALID',
        pointer,
        message: `${file} cannot be read as JSON (${(error as Error).message.split('\n')[0]}); check the path and the syntax`,
      },
    ]);
  }
}

/** Follows a file: `check()` looks once (the poll calls it; tests call it directly). */
export interface FileFollower {
  check(): Promise<'unchanged' | 'reloaded' | 'refused'>;
  close(): void;
}

export function followFile(
  file: string,
  apply: () => Promise<void>,
  options: { pollMs: number; logger?: Logger | undefined },
): FileFollower {
  const stamp = () => {
    try {
      const s = statSync(file);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return 'missing';
    }
  };
  let seen = stamp();
  let running: Promise<'unchanged' | 'reloaded' | 'refused'> | undefined;
  const check = async (): Promise<'unchanged' | 'reloaded' | 'refused'> => {
    const now = stamp();
    if (now === seen) return 'unchanged';
    seen = now;
    try {
      await apply();
      options.logger?.info('gateway routes reloaded', { file });
      return 'reloaded';
    } catch (error) {
      options.logger?.error('gateway file refused; the running routes stay', {
        file,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'refused';
    }
  };
  const timer = setInterval(() => {
    running ??= check().finally(() => (running = undefined));
  }, options.pollMs);
  timer.unref();
  return { check, close: () => clearInterval(timer) };
}

export interface ServeGatewayOptions {
  settings: GatewaySettings;
  baseDir: string;
  defaults: GatewayDefaults;
  /** Pointer of the section in the serve config (`/gateway`). */
  pointer?: string;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  audit?: Auditor | undefined;
  rateLimiters?: RateLimiterFactory | undefined;
  stores?: Pick<Stores, 'sessions' | 'transactions' | 'counters'> | undefined;
  fetch?: typeof fetch | undefined;
  metrics?: MetricsRegistry | undefined;
  webRoutes?: WebRouteFactory | undefined;
  /** Where the routes' `…Env` secrets are read (serve's `env`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The key of the file that holds the gateway configuration (`waymark gateway`'s file has it under "gateway"). Default: the whole file. */
  section?: string;
}

/** The gateway of a server: its handler in front of the server's app, and its file follower. */
export interface ServeGateway {
  gateway: Gateway;
  follower: FileFollower | undefined;
  /** The app with the gateway's routes and metadata answered first. */
  wrap(app: RequestListener): RequestListener;
  /** One line for the start-up report. */
  description: string;
  close(): Promise<void>;
}

/**
 * Builds the gateway a configuration names (bad configuration: `ERR_CONFIG_INVALID` under
 * `/gateway/...`, at start-up).
 */
export function serveGateway(options: ServeGatewayOptions): ServeGateway {
  const pointer = options.pointer ?? '/gateway';
  const file =
    options.settings.file === undefined
      ? undefined
      : isAbsolute(options.settings.file)
        ? options.settings.file
        : resolve(options.baseDir, options.settings.file);
  const read = (): unknown => {
    if (!file) return options.settings.config;
    const whole = readGatewayFile(file, `${pointer}/file`);
    return options.section === undefined ? whole : (whole as Record<string, unknown> | null)?.[options.section];
  };
  const load = () => withGatewayDefaults(read(), options.defaults);
  const where = options.section !== undefined ? `/${options.section}` : file ? '/file' : '/config';
  let gateway: Gateway;
  try {
    gateway = createGateway(load(), {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.audit ? { audit: options.audit } : {}),
      ...(options.rateLimiters ? { rateLimiters: options.rateLimiters } : {}),
      ...(options.stores ? { stores: options.stores } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.webRoutes ? { webRoutes: options.webRoutes } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (error) {
    // Name the place in the serve config: the gateway's own pointers go under this section.
    if (error instanceof ConfigInvalidError)
      throw new ConfigInvalidError(
        'config',
        error.problems.map((p) => ({ ...p, pointer: `${pointer}${where}${p.pointer}` })),
      );
    throw error;
  }
  const follower = file
    ? followFile(file, () => gateway.reload(load()), { pollMs: options.settings.pollMs ?? 1000, logger: options.logger })
    : undefined;
  const kinds = gateway.routes().map((r) => `${r.kind} ${r.path}`);
  return {
    gateway,
    follower,
    wrap: (app) => (req: IncomingMessage, res: ServerResponse) => gateway.handle(req, res, () => app(req, res)),
    description: `gateway: ${kinds.length > 0 ? kinds.join(', ') : 'no routes'}${file ? ` (following ${file})` : ''}`,
    async close() {
      follower?.close();
      await gateway.close();
    },
  };
}

/** The defaults a serve configuration gives its gateway: its issuer's origin, and its own provider's tokens when it runs one. */
export function serveGatewayDefaults(issuer: string, oidcIssuer: string | undefined): GatewayDefaults {
  return {
    publicUrl: new URL(issuer).origin,
    ...(oidcIssuer ? { token: { issuer: oidcIssuer, jwksUri: `${oidcIssuer.replace(/\/+$/, '')}/jwks` } } : {}),
  };
}
