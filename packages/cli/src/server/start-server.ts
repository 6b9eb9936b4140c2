import { hkdfSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine } from '@waymark/core';
import { builtinNodes, FileUserStore } from '@waymark/nodes';
import type { Clock, Logger } from '@waymark/sdk';
import { createWaymarkApp, createWaymarkRouter, DEFAULTS, type WaymarkRouter } from '@waymark/express';
import { CliError } from '../errors.js';
import { serveMode, withAdmin } from './admin-config.js';
import { configError, resolveServerConfig, type ResolvedServerConfig, type ServerConfig } from './config.js';
import { createHttpServer } from './http-settings.js';
import { createStoresFromConfig } from './stores.js';

/** A running server. */
export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:3000` (the real port when `port` was 0). */
  url: string;
  /** The issuer it serves. */
  issuer: string;
  engine: Engine;
  router: WaymarkRouter;
  /** Stops listening, ends open connections and releases the stores. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Folder relative paths in a config object resolve from. Default process.cwd(). */
  baseDir?: string;
  /** Default: JSON lines on stderr (the adapter's logger). */
  logger?: Logger;
  clock?: Clock;
  /** Start-up lines for people (`stores: memory (single process)`, the URL). Default: none. */
  print?: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

function isResolved(config: ServerConfig | ResolvedServerConfig): config is ResolvedServerConfig {
  return typeof (config as ResolvedServerConfig).baseDir === 'string';
}

/* Several processes must agree on the CSRF key of the pages; derive it from the sealing key when there is one. */
function csrfKeyFrom(secretKeys: readonly string[]): Buffer | undefined {
  const first = secretKeys[0];
  if (first === undefined) return undefined;
  return Buffer.from(hkdfSync('sha256', Buffer.from(first, 'base64url'), 'waymark', 'waymark csrf key v1', 32));
}

/** The environment variable that holds the named secret `name` (`remember-me-key` → `WAYMARK_SECRET_REMEMBER_ME_KEY`). */
export function secretEnvName(name: string): string {
  return `WAYMARK_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Named secrets (cookie keys, API tokens) that flows reference by `secretName` are read from the
 * environment, never from the config file or a flow, so no key is ever committed.
 */
function environmentSecretSource(env: Readonly<Record<string, string | undefined>>): { get(name: string): string | undefined } {
  return Object.freeze({ get: (name: string) => env[secretEnvName(name)] || undefined });
}

function loadFlows(engine: Engine, paths: readonly string[]): void {
  paths.forEach((path, i) => {
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch {
      throw configError(`/flows/${i}`, `${path} does not exist; name a folder of flow JSON files or a flow file`);
    }
    if (directory) {
      engine.loadDirectory(path);
      return;
    }
    let flow: unknown;
    try {
      flow = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw configError(`/flows/${i}`, `${path} is not JSON (${(error as Error).message.split('\n')[0]})`);
    }
    engine.load(flow, path);
  });
}

/** A port that cannot be bound becomes a coded error naming the port and the fix (exit 2), not a stack. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new CliError('ERR_SERVE_PORT_IN_USE', `port ${port} on ${host} is already in use; stop the other process or choose another port (--port <port>, PORT=<port> or "port" in the config)`, { port });
  if (error.code === 'EACCES')
    return new CliError('ERR_SERVE_PORT_IN_USE', `port ${port} on ${host} is not allowed for this user; choose a port above 1023 (--port <port>, PORT=<port> or "port" in the config)`, { port });
  if (error.code === 'EADDRNOTAVAIL')
    return new CliError('ERR_SERVE_PORT_IN_USE', `host ${host} is not an address of this machine; fix "host" in the config`, { port, host });
  return error;
}

/**
 * Starts Waymark on its own: validates the configuration (ERR_CONFIG_INVALID names the key and
 * the fix), builds the stores (memory unless configured otherwise), the engine with the
 * built-in nodes and the configured plugins, loads the flows, mounts the adapter and listens.
 *
 * @example
 * const server = await startServer({ issuer: 'http://localhost:3000', port: 0, flows: ['flows'], clients });
 * console.log(server.url);
 * await server.close();
 */
export async function startServer(config: ServerConfig | ResolvedServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const resolved = isResolved(config) ? config : resolveServerConfig(config, options.baseDir ?? process.cwd(), options.env ?? process.env);
  const logger = options.logger ?? DEFAULTS.logger;
  const print = options.print ?? (() => undefined);
  const { stores, description, rateLimiters, close: closeStores } = await createStoresFromConfig(resolved, options.clock, options.env ?? process.env);
  try {
    const services: Record<string, unknown> = { secretSource: environmentSecretSource(options.env ?? process.env) };
    if (resolved.services.usersFile !== undefined) services.users = new FileUserStore(resolved.services.usersFile);
    const engine = await createEngine({
      nodes: builtinNodes,
      plugins: resolved.plugins,
      cwd: resolved.baseDir,
      stores,
      logger,
      services,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(resolved.secretKeys.length > 0 ? { secretKeys: resolved.secretKeys } : {}),
    });
    loadFlows(engine, resolved.flows);
    const csrfKey = csrfKeyFrom(resolved.secretKeys);
    const router = createWaymarkRouter({
      issuer: resolved.issuer,
      clients: resolved.clients,
      stores,
      engine,
      logger,
      trustedProxies: resolved.trustedProxies,
      rateLimiters,
      ...(resolved.limits.parRateLimit !== undefined ? { parRateLimit: resolved.limits.parRateLimit } : {}),
      ...(resolved.limits.journeyStartRateLimit !== undefined ? { journeyStartRateLimit: resolved.limits.journeyStartRateLimit } : {}),
      ...(resolved.limits.authFailureRateLimit !== undefined ? { authFailureRateLimit: resolved.limits.authFailureRateLimit } : {}),
      ...(resolved.logClientIp !== undefined ? { logClientIp: resolved.logClientIp } : {}),
      ...(resolved.hsts !== undefined ? { hsts: resolved.hsts } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(csrfKey ? { csrfKey } : {}),
    });
    const loaded = new Set(engine.flowIds());
    for (const client of router.clients.all())
      for (const flow of client.allowedFlows)
        if (!loaded.has(flow))
          throw configError(
            '/clients',
            `client "${client.clientId}" allows flow "${flow}", which no configured flow file defines; add it to "flows" or fix allowed_flows`,
          );
    // The admin API in front of the adapter's app when the config has an `admin` section.
    const app = await withAdmin(createWaymarkApp(router), {
      settings: resolved.admin,
      issuer: resolved.issuer,
      mode: serveMode(resolved as { mode?: unknown }, options.env ?? process.env),
      engine,
      router,
      clients: resolved.clients,
      trustedProxies: resolved.trustedProxies,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    // Node's server with the configured timeouts (http-settings.ts), not app.listen's defaults.
    const server: Server = createHttpServer(app, resolved.http);
    await new Promise<void>((resolveListen, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, resolved.host, resolved.port));
      server.once('error', failed);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', failed);
        resolveListen();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
    const url = `http://${host}:${port}`;
    print(`stores: ${description}`);
    if (resolved.secretKeys.length === 0)
      print('secret keys: random per process (set secretKeys or WAYMARK_SECRET_KEYS to share journeys between processes)');
    print(`flows: ${engine.flowIds().sort().join(', ')}`);
    print(`waymark listening on ${url} (issuer ${resolved.issuer})`);
    logger.info('listening', { url, issuer: resolved.issuer, stores: description });
    let closed: Promise<void> | undefined;
    return {
      url,
      issuer: resolved.issuer,
      engine,
      router,
      close() {
        closed ??= new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }).then(closeStores);
        return closed;
      },
    };
  } catch (error) {
    await closeStores();
    throw error;
  }
}
