import { createRequire } from 'node:module';
import express, { type Express } from 'express';
import { createAdminRouter, type TrustedIssuer } from '@waymark/admin';
import { createMemoryControlStores, type Engine } from '@waymark/core';
import { clientConfigProblems, type WaymarkRouter } from '@waymark/express';
import type { AuditSink, Clock, ControlStores, JsonObject, Logger } from '@waymark/sdk';
import type { JsonWebKeySet } from '@waymark/access-token';
import { mcpResourceOf, mcpSettingsSchema, withMcp, type McpSettings } from './mcp-config.js';

/** The `admin` section of the serve configuration: the admin API at `/admin/v1`. Absent: no admin API (404). */
export interface AdminSettings {
  /** Allow changes (flows, clients). Default false: read-only. */
  writes?: boolean;
  /** Allow changes in production mode too. Default false. */
  allowWritesInProduction?: boolean;
  /** The `aud` admin tokens must carry. Default `<issuer>/admin`. */
  audience?: string;
  /** The issuers whose access tokens are accepted: `{ issuer, jwksUri?, algorithms? }`; `jwksUri` defaults to `<issuer>/jwks` (where Waymark's OpenID Provider serves its keys). */
  issuers: { issuer: string; jwksUri?: string; algorithms?: string[] }[];
  /** Requests per token subject and source IP. Default { max: 600, windowSeconds: 60 }; false for none. */
  rateLimit?: { max: number; windowSeconds: number } | false;
  /** The MCP server over HTTP at /mcp (mcp-config.ts). Absent: none. */
  mcp?: McpSettings;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** The JSON Schema of the `admin` section (checked with the rest of the file: ERR_CONFIG_INVALID names the key). */
export const adminSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuers'],
  description: 'the admin API at /admin/v1: { "issuers": [{ "issuer": "https://as.example" }], "writes": false }',
  properties: {
    writes: { type: 'boolean', default: false, description: 'true allows changes of flows and clients. Default false (read-only)' },
    allowWritesInProduction: { type: 'boolean', default: false, description: 'true allows changes in production mode too. Default false' },
    audience: { type: 'string', minLength: 1, description: 'the "aud" admin tokens carry. Default "<issuer>/admin"' },
    issuers: {
      type: 'array',
      minItems: 1,
      description:
        'the token issuers trusted for the admin API, at least one: [{ "issuer": "https://as.example", "jwksUri": "https://as.example/jwks" }]',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['issuer'],
        description: '{ "issuer", "jwksUri"?, "algorithms"? }',
        properties: {
          issuer: { type: 'string', format: 'uri', description: 'the issuer identifier ("iss") of the tokens, an absolute URL' },
          jwksUri: { type: 'string', format: 'uri', description: 'the URL of its JWKS. Default "<issuer>/jwks"' },
          algorithms: {
            type: 'array',
            minItems: 1,
            items: { enum: ALGORITHMS, description: `an asymmetric JWS algorithm: ${ALGORITHMS.join(', ')}` },
            description: 'the JWS algorithms pinned for its tokens. Default RS256, ES256, PS256, EdDSA',
          },
        },
      },
    },
    mcp: mcpSettingsSchema,
    rateLimit: {
      description: 'requests per token subject and source IP: { "max": 600, "windowSeconds": 60 } (the default), or false',
      type: ['boolean', 'object'],
      if: { type: 'boolean' },
      then: { const: false, description: 'false turns the limit off' },
      else: {
        additionalProperties: false,
        required: ['max', 'windowSeconds'],
        properties: {
          max: { type: 'integer', minimum: 1, description: 'a whole number of requests, at least 1' },
          windowSeconds: { type: 'integer', minimum: 1, description: 'a whole number of seconds, at least 1' },
        },
      },
    },
  },
} as const;

/** `production` or `development`: the config's `mode`, else production when NODE_ENV says so. */
export function serveMode(config: { mode?: unknown }, env: Readonly<Record<string, string | undefined>>): 'production' | 'development' {
  if (config.mode === 'production' || config.mode === 'development') return config.mode;
  return env.NODE_ENV === 'production' ? 'production' : 'development';
}

/** The control stores in this process, holding what the server loaded: its flows (active: the latest) and clients. */
export async function seededControlStores(engine: Engine, clients: readonly unknown[], clock: Clock | undefined): Promise<ControlStores> {
  const control = createMemoryControlStores(clock ? { clock } : {});
  const now = (clock ?? { now: () => Date.now() }).now();
  for (const id of engine.flowIds()) {
    const latest = engine.flow(id)!;
    // Every loaded version, ascending: the latest is the active one, as the engine runs it.
    const versions = [...Array(latest.version).keys()].map((i) => engine.flow(id, i + 1)).filter((f) => f !== undefined);
    let previous: number | null = null;
    for (const compiled of versions) {
      await control.flows.saveVersion(
        { id, version: compiled.version, flow: compiled.flow as unknown as JsonObject, savedAt: now, savedBy: 'config' },
        previous,
      );
      previous = compiled.version;
    }
  }
  for (const raw of clients) {
    const { client_secret: secret, ...config } = raw as JsonObject & { client_secret?: string };
    await control.clients.put(
      config.client_id as string,
      { config, ...(secret !== undefined ? { secret, secretSetAt: now } : {}), enabled: true, updatedAt: now, updatedBy: 'config' },
      null,
    );
  }
  return control;
}

/** The version of @waymark/nodes, listed as the package of the built-in node types. */
function nodesVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@waymark/nodes/package.json') as { version: string }).version;
}

/**
 * The app `waymark serve` listens with: the adapter's app, and the admin API at `/admin/v1` in
 * front of it when the configuration has an `admin` section (without one, `/admin/*` is the
 * adapter's 404, and nothing else changes).
 */
export async function withAdmin(
  app: Express,
  input: {
    settings: AdminSettings | undefined;
    issuer: string;
    mode: 'production' | 'development';
    engine: Engine;
    router: WaymarkRouter;
    clients: readonly unknown[];
    trustedProxies: readonly string[];
    logger: Logger;
    clock?: Clock;
    control?: ControlStores;
    /** Waymark's own OpenID Provider: an admin issuer naming it without a jwksUri gets its keys in process (no request to itself). */
    own?: { issuer: string; jwks: JsonWebKeySet };
    /** Where admin changes are audited (the router's auditor). Default: the control stores' audit store. */
    auditSink?: AuditSink;
  },
): Promise<Express> {
  const { settings } = input;
  if (settings === undefined) return app;
  const trustedIssuers: TrustedIssuer[] = settings.issuers.map((i) => ({
    issuer: i.issuer,
    ...(i.jwksUri === undefined && i.issuer === input.own?.issuer ? { jwks: input.own.jwks } : {}),
    ...(i.jwksUri === undefined && i.issuer === input.own?.issuer ? {} : { jwksUri: i.jwksUri ?? `${i.issuer.replace(/\/+$/, '')}/jwks` }),
    ...(i.algorithms ? { algorithms: i.algorithms } : {}),
  }));
  const admin = createAdminRouter({
    issuer: input.issuer,
    // With /mcp, the MCP tools call the admin API with the caller's token for <issuer>/mcp.
    ...(settings.mcp !== undefined
      ? { audience: [settings.audience ?? `${input.issuer.replace(/\/+$/, '')}/admin`, mcpResourceOf(input.issuer)] }
      : settings.audience !== undefined
        ? { audience: settings.audience }
        : {}),
    trustedIssuers,
    stores: input.control ?? (await seededControlStores(input.engine, input.clients, input.clock)),
    registry: input.engine.registry,
    ...(input.engine.variables ? { variables: input.engine.variables } : {}),
    validateClient: clientConfigProblems,
    writes: settings.writes ?? false,
    mode: input.mode,
    allowWritesInProduction: settings.allowWritesInProduction ?? false,
    rateLimiters: input.router.context.rateLimiters,
    ...(settings.rateLimit !== undefined ? { rateLimit: settings.rateLimit } : {}),
    trustedProxies: input.trustedProxies,
    inlineNodesPackage: { name: '@waymark/nodes', version: nodesVersion() },
    logger: input.logger,
    ...(input.clock ? { clock: input.clock } : {}),
    ...(input.auditSink ? { auditSink: input.auditSink } : {}),
  });
  const outer = express();
  outer.disable('x-powered-by');
  outer.use('/admin/v1', admin);
  await withMcp(outer, settings.mcp, input.issuer, trustedIssuers);
  outer.use(app);
  return outer;
}
