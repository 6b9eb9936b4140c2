import { randomBytes } from 'node:crypto';
import type { Clock, Logger, Stores } from '@waymark/sdk';
import { compileTrustedProxies, type TrustedProxies } from '@waymark/http';
import { ClientRegistry } from './clients/client-registry.js';
import { loadClients } from './clients/load-clients.js';
import type { Client } from './clients/types.js';
import { DEFAULTS, type RateLimit } from './defaults.js';
import type { WaymarkEngine } from './engine.js';
import { parseByteSize } from './lib/byte-size.js';
import { LOG_CLIENT_IP_MODES, logIpFormatter, type LogClientIp } from './lib/log-ip.js';
import { hstsHeader, type HstsOptions } from './middleware/security-headers.js';
import { RouterOptionsError } from './errors.js';
import type { AdapterMetrics } from './metrics/adapter-metrics.js';
import { createAdapterMetrics } from './metrics/adapter-metrics.js';

/**
 * Options of `createWaymarkRouter`. Defaults and their reasons are in `defaults.ts`.
 */
export interface WaymarkRouterOptions {
  /** The authorization server's issuer identifier (RFC 8414 §2): https (http only for localhost), no query or fragment. Required. */
  issuer: string;
  /** Client configurations (JSON, see `ClientConfig`); validated at start-up. Required. */
  clients: readonly unknown[];
  /** The stores (`createMemoryStores()` from @waymark/core, or Redis). Required. */
  stores: Stores;
  /** Default `{ now: () => Date.now() }`. */
  clock?: Clock;
  /** Default `[]`. */
  trustedProxies?: readonly string[];
  /** Default `'16kb'` (bytes, or a string such as `'16kb'`). */
  bodyLimit?: string | number;
  /** Default `{ max: 30, windowSeconds: 60 }`; `false` disables. */
  parRateLimit?: RateLimit | false;
  /** Default: JSON lines on stderr. */
  logger?: Logger;
  /** The engine that runs journeys (authorize, the journey API, step-up); without it those answer ERR_NO_ENGINE. */
  engine?: WaymarkEngine;
  /** Default 2000. */
  healthCheckTimeoutMs?: number;
  /**
   * Key of the CSRF tokens of the browser pages (HMAC-SHA-256, at least 32 bytes). Default: 32
   * random bytes per router, which is right for one process; give every process the same key
   * when several serve one issuer behind a load balancer (a page served by one may be posted
   * to another).
   */
  csrfKey?: string | Uint8Array;
  /**
   * `Strict-Transport-Security` (RFC 6797) on every response of the router and of
   * `createWaymarkApp`, for when Waymark (or the proxy in front of it, passing it on) serves
   * https. Default: `{ maxAgeSeconds: 31536000 }` when the issuer is https, none for an http
   * (localhost) issuer; `false` turns it off (a proxy sets its own). An http issuer cannot have
   * it (RFC 6797 §7.2: never over plain http).
   */
  hsts?: HstsOptions | false;
  /**
   * How the access log writes client IPs: `full` (default), `truncated` (IPv4 /24, IPv6 /48),
   * `hashed` (a keyed hash, to correlate lines without the address) or `none`.
   */
  logClientIp?: LogClientIp;
}

/** The absolute URLs of the adapter's endpoints, derived from the issuer. */
export interface EndpointUrls {
  authorization: string;
  pushedAuthorizationRequest: string;
}

/** Everything an endpoint step needs, resolved once at start-up. */
export interface RouterContext {
  readonly issuer: string;
  readonly endpoints: EndpointUrls;
  readonly clients: ClientRegistry;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly trustedProxies: TrustedProxies;
  readonly bodyLimit: string | number;
  readonly parRateLimit: RateLimit | false;
  readonly engine: WaymarkEngine | undefined;
  readonly healthCheckTimeoutMs: number;
  readonly metrics: AdapterMetrics;
  /** HMAC key of the pages' CSRF tokens. */
  readonly csrfKey: Buffer;
  /** The `Strict-Transport-Security` value every response carries, or undefined for none. */
  readonly hsts: string | undefined;
  /** What the access log writes for a client IP (the `logClientIp` option). */
  readonly logIp: (ip: string | undefined) => string | undefined;
  /** The issuer's path with a trailing slash (`/` for `https://login.example.com`): pages link the stylesheet and post forms under it. */
  readonly basePath: string;
}

function checkIssuer(issuer: unknown): string {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw new RouterOptionsError('issuer', 'must be an absolute URL such as "https://login.example.com"');
  const url = new URL(issuer);
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  // RFC 8414 §2: https, no query, no fragment.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) throw new RouterOptionsError('issuer', 'must use https (http is allowed for localhost only)');
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) throw new RouterOptionsError('issuer', 'must not have a query or fragment (RFC 8414 §2)');
  return issuer;
}

/** The Strict-Transport-Security value, or undefined: on by default for an https issuer. */
function checkHsts(option: HstsOptions | false | undefined, issuer: string): string | undefined {
  const https = new URL(issuer).protocol === 'https:';
  if (option === false) return undefined;
  if (option === undefined) return https ? hstsHeader({}, DEFAULTS.hstsMaxAgeSeconds) : undefined;
  if (option === null || typeof option !== 'object') throw new RouterOptionsError('hsts', 'must be false or { maxAgeSeconds?, includeSubDomains?, preload? }');
  // RFC 6797 §7.2: an HSTS host must not send the header over plain http.
  if (!https) throw new RouterOptionsError('hsts', 'needs an https issuer (RFC 6797 §7.2: never sent over http); leave it out or set it to false');
  const { maxAgeSeconds, includeSubDomains, preload } = option;
  if (maxAgeSeconds !== undefined && !(Number.isInteger(maxAgeSeconds) && maxAgeSeconds >= 0))
    throw new RouterOptionsError('hsts', 'maxAgeSeconds must be a non-negative integer of seconds (0 tells browsers to forget the policy)');
  if ((includeSubDomains !== undefined && typeof includeSubDomains !== 'boolean') || (preload !== undefined && typeof preload !== 'boolean'))
    throw new RouterOptionsError('hsts', 'includeSubDomains and preload must be booleans');
  // The preload lists take a site only with includeSubDomains and a max-age of at least a year.
  if (preload && (!includeSubDomains || (maxAgeSeconds ?? DEFAULTS.hstsMaxAgeSeconds) < 31536000))
    throw new RouterOptionsError('hsts', 'preload needs includeSubDomains: true and maxAgeSeconds of at least 31536000');
  return hstsHeader(option, DEFAULTS.hstsMaxAgeSeconds);
}

function checkStores(stores: unknown): Stores {
  const names = ['journeys', 'pushedRequests', 'sessions', 'transactions', 'counters', 'kv'] as const;
  if (stores === null || typeof stores !== 'object') throw new RouterOptionsError('stores', 'is required; pass createMemoryStores() from @waymark/core or the Redis stores');
  for (const name of names) {
    if ((stores as Record<string, unknown>)[name] == null) throw new RouterOptionsError('stores', `lacks "${name}"; pass a complete Stores object`);
  }
  return stores as Stores;
}

/** Validates the options, loads the clients and builds the context every endpoint shares. */
export function resolveOptions(options: WaymarkRouterOptions, metrics: AdapterMetrics = createAdapterMetrics()): RouterContext {
  if (options === null || typeof options !== 'object') throw new RouterOptionsError('options', 'pass { issuer, clients, stores }');
  const issuer = checkIssuer(options.issuer);
  const stores = checkStores(options.stores);
  const clients: Client[] = loadClients(options.clients);
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(options.trustedProxies ?? DEFAULTS.trustedProxies);
  } catch (error) {
    throw new RouterOptionsError('trustedProxies', `${(error as Error).message}; list IPs or CIDR ranges such as "10.0.0.0/8"`);
  }
  const limit = options.parRateLimit ?? DEFAULTS.parRateLimit;
  if (limit !== false && !(Number.isInteger(limit.max) && limit.max > 0 && Number.isInteger(limit.windowSeconds) && limit.windowSeconds > 0))
    throw new RouterOptionsError('parRateLimit', 'must be false or { max, windowSeconds } with positive integers');
  const bodyLimit = options.bodyLimit ?? DEFAULTS.bodyLimit;
  if (!((typeof bodyLimit === 'number' && bodyLimit > 0) || (typeof bodyLimit === 'string' && parseByteSize(bodyLimit) !== undefined)))
    throw new RouterOptionsError('bodyLimit', 'must be a positive number of bytes or a size such as "16kb"');
  const healthCheckTimeoutMs = options.healthCheckTimeoutMs ?? DEFAULTS.healthCheckTimeoutMs;
  if (!(Number.isInteger(healthCheckTimeoutMs) && healthCheckTimeoutMs > 0))
    throw new RouterOptionsError('healthCheckTimeoutMs', 'must be a positive integer of milliseconds');
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  const csrfKey = options.csrfKey === undefined ? randomBytes(32) : Buffer.from(options.csrfKey);
  if (csrfKey.length < 32) throw new RouterOptionsError('csrfKey', 'must be at least 32 bytes (openssl rand -base64 32)');
  const path = new URL(issuer).pathname;
  const hsts = checkHsts(options.hsts, issuer);
  const logClientIp = options.logClientIp ?? DEFAULTS.logClientIp;
  if (!LOG_CLIENT_IP_MODES.includes(logClientIp))
    throw new RouterOptionsError('logClientIp', `must be one of ${LOG_CLIENT_IP_MODES.map((m) => `"${m}"`).join(', ')}`);
  return Object.freeze({
    issuer,
    endpoints: { authorization: `${base}/authorize`, pushedAuthorizationRequest: `${base}/par` },
    clients: new ClientRegistry(clients),
    stores,
    clock: options.clock ?? DEFAULTS.clock,
    logger: options.logger ?? DEFAULTS.logger,
    trustedProxies,
    bodyLimit,
    parRateLimit: limit,
    engine: options.engine,
    healthCheckTimeoutMs,
    metrics,
    csrfKey,
    hsts,
    logIp: logIpFormatter(logClientIp, csrfKey),
    basePath: path.endsWith('/') ? path : `${path}/`,
  });
}
