import type { AccessTokenValidator, JsonWebKeySet } from '@waymark/access-token';
import { createAccessTokenValidator } from '@waymark/access-token';
import type { FlowVariables, NodeRegistry } from '@waymark/core';
import { compileTrustedProxies, createMemoryRateLimiters, type TrustedProxies } from '@waymark/http';
import type { AuditSink, Clock, ControlStores, Logger, RateLimiter, RateLimiterFactory } from '@waymark/sdk';
import { ADMIN_DEFAULTS } from './defaults.js';
import { AdminOptionsError } from './errors.js';
import { storeAuditSink } from './lib/audit.js';

/** One problem of a client configuration: the field (a JSON pointer below the client) and the fix. */
export interface ClientProblem {
  pointer: string;
  message: string;
}

/**
 * Validates one client configuration exactly as start-up does, returning every problem (none:
 * valid). `waymark serve` passes `clientConfigProblems` of `@waymark/express`; the admin package
 * cannot import the adapter (DESIGN.md: only the CLI does), so it is given the check.
 */
export type ClientValidator = (config: unknown) => readonly ClientProblem[];

/** An issuer whose access tokens the admin API accepts. */
export interface TrustedIssuer {
  /** Its `iss`, exactly. */
  issuer: string;
  /** Its JWKS URL (Waymark's own OpenID Provider serves one at `<issuer>/jwks`)… */
  jwksUri?: string;
  /** …or its key set inline. */
  jwks?: JsonWebKeySet;
  /** Pinned JWS algorithms (asymmetric only). Default: the validator's (`RS256, ES256, PS256, EdDSA`). */
  algorithms?: string[];
}

/** Options of {@link createAdminRouter}. Defaults and their reasons are in `defaults.ts`. */
export interface AdminRouterOptions {
  /** Waymark's issuer identifier: the default audience is `<issuer>/admin`. Required. */
  issuer: string;
  /** The `aud` admin tokens must carry (any one of them). Default `<issuer>/admin`. */
  audience?: string | string[];
  /** The issuers whose tokens are accepted; a token's `iss` picks one. At least one. */
  trustedIssuers: readonly TrustedIssuer[];
  /** Where flows, clients, audit events and the journey log live. Required. */
  stores: ControlStores;
  /** The node types flows are validated against, and the catalog lists (the engine's registry). Required. */
  registry: NodeRegistry;
  /** The variables flows are validated with (`{ "$var": name }`): the engine's (`engine.variables`). Default none. */
  variables?: FlowVariables;
  /** The client check of start-up (see {@link ClientValidator}). Required. */
  validateClient: ClientValidator;
  /** Allow changes. Default false (read-only). */
  writes?: boolean;
  /** `production` or `development`. Default `production`. */
  mode?: 'production' | 'development';
  /** Allow changes in production mode too. Default false. */
  allowWritesInProduction?: boolean;
  /** Where `admin.change` events go. Default: appended to `stores.audit`. */
  auditSink?: AuditSink;
  /** Where the rate limit counts (the router's factory of `@waymark/express`, or Redis). Default: memory, one process. */
  rateLimiters?: RateLimiterFactory;
  /** Requests per token subject and source IP. Default `{ max: 600, windowSeconds: 60 }`; `false` disables. */
  rateLimit?: { max: number; windowSeconds: number } | false;
  /** Proxies (IPs, CIDRs) whose X-Forwarded-For is believed. Default none. */
  trustedProxies?: readonly string[];
  /** Largest request body in bytes. Default 256 KiB. */
  bodyLimit?: number;
  /** The package and version listed for node types registered inline (the built-ins `waymark serve` passes). */
  inlineNodesPackage?: { name: string; version: string };
  clock?: Clock;
  logger?: Logger;
  /** The fetch used for issuers' key sets. Default `globalThis.fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** What every route shares, resolved once at start-up. */
export interface AdminContext {
  readonly stores: ControlStores;
  readonly registry: NodeRegistry;
  readonly variables: FlowVariables | undefined;
  readonly validateClient: ClientValidator;
  readonly writes: boolean;
  readonly mode: 'production' | 'development';
  readonly allowWritesInProduction: boolean;
  readonly audit: AuditSink;
  readonly limiter: RateLimiter | undefined;
  readonly trustedProxies: TrustedProxies;
  readonly bodyLimit: number;
  readonly validators: ReadonlyMap<string, AccessTokenValidator>;
  readonly inlineNodesPackage: { name: string; version: string } | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
}

/* Warnings and errors as JSON lines on stderr; nothing below (a library should not chatter). */
const stderrLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function validatorsOf(options: AdminRouterOptions, audience: string | string[], clock: Clock): Map<string, AccessTokenValidator> {
  if (!Array.isArray(options.trustedIssuers) || options.trustedIssuers.length === 0)
    throw new AdminOptionsError(
      'trustedIssuers',
      'list at least one issuer: [{ "issuer": "https://as.example", "jwksUri": "https://as.example/jwks" }]',
    );
  const validators = new Map<string, AccessTokenValidator>();
  options.trustedIssuers.forEach((trusted, i) => {
    if (trusted === null || typeof trusted !== 'object' || !isText(trusted.issuer))
      throw new AdminOptionsError(`trustedIssuers[${i}]`, 'must be { issuer, jwksUri } or { issuer, jwks }');
    if (validators.has(trusted.issuer)) throw new AdminOptionsError(`trustedIssuers[${i}]`, `lists "${trusted.issuer}" twice; keep one`);
    try {
      validators.set(
        trusted.issuer,
        // The one validator of Waymark: RFC 9068 / RFC 8725 (pinned algorithms, typ, iss, aud, exp).
        createAccessTokenValidator({
          issuer: trusted.issuer,
          audience,
          ...(trusted.jwksUri !== undefined ? { jwksUri: trusted.jwksUri } : {}),
          ...(trusted.jwks !== undefined ? { jwks: trusted.jwks } : {}),
          ...(trusted.algorithms !== undefined ? { algorithms: trusted.algorithms } : {}),
          clock,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
    } catch (error) {
      throw new AdminOptionsError(`trustedIssuers[${i}]`, error instanceof Error ? error.message : String(error));
    }
  });
  return validators;
}

/** Checks the options once; a bad one throws `ERR_ADMIN_OPTIONS` naming it. */
export function resolveAdminOptions(options: AdminRouterOptions): AdminContext {
  if (options === null || typeof options !== 'object')
    throw new AdminOptionsError('options', 'pass { issuer, trustedIssuers, stores, registry, validateClient }');
  if (!isText(options.issuer) || !URL.canParse(options.issuer))
    throw new AdminOptionsError('issuer', 'must be Waymark\'s issuer URL, such as "https://login.example.com"');
  if (!options.stores || typeof options.stores.flows?.list !== 'function' || typeof options.stores.clients?.list !== 'function')
    throw new AdminOptionsError('stores', 'pass the control stores (createMemoryControlStores() from @waymark/core, or Redis)');
  if (!options.registry || typeof options.registry.list !== 'function')
    throw new AdminOptionsError('registry', "pass the engine's node registry (engine.registry)");
  if (typeof options.validateClient !== 'function')
    throw new AdminOptionsError('validateClient', 'pass the client check of start-up (clientConfigProblems from @waymark/express)');
  const clock = options.clock ?? { now: () => Date.now() };
  const audience = options.audience ?? `${options.issuer.replace(/\/+$/, '')}/admin`;
  const rateLimit = options.rateLimit === undefined ? ADMIN_DEFAULTS.rateLimit : options.rateLimit;
  let limiter: RateLimiter | undefined;
  if (rateLimit !== false) {
    try {
      limiter = (options.rateLimiters ?? createMemoryRateLimiters())({ name: 'admin', ...rateLimit });
    } catch (error) {
      throw new AdminOptionsError('rateLimit', `${(error as Error).message}; give { max, windowSeconds } as positive integers, or false`);
    }
  }
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(options.trustedProxies ?? []);
  } catch (error) {
    throw new AdminOptionsError('trustedProxies', `${(error as Error).message}; list IP addresses or CIDR ranges`);
  }
  const bodyLimit = options.bodyLimit ?? ADMIN_DEFAULTS.bodyLimit;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024)
    throw new AdminOptionsError('bodyLimit', 'must be a whole number of bytes, at least 1024');
  const logger = options.logger ?? stderrLogger;
  return Object.freeze({
    stores: options.stores,
    registry: options.registry,
    variables: options.variables,
    validateClient: options.validateClient,
    writes: options.writes ?? ADMIN_DEFAULTS.writes,
    mode: options.mode ?? ADMIN_DEFAULTS.mode,
    allowWritesInProduction: options.allowWritesInProduction ?? ADMIN_DEFAULTS.allowWritesInProduction,
    audit: options.auditSink ?? storeAuditSink(options.stores.audit, logger),
    limiter,
    trustedProxies,
    bodyLimit,
    validators: validatorsOf(options, audience, clock),
    inlineNodesPackage: options.inlineNodesPackage,
    clock,
    logger,
  });
}
