import { randomBytes } from 'node:crypto';
import type { Auditor } from '@waymark/core';
import type { Clock, JourneyLogStore, Logger, RateLimiter, RateLimiterFactory, Stores } from '@waymark/sdk';
import { routerAuditor, type RouterAuditOptions } from './audit/options.js';
import { compileTrustedProxies, createMemoryRateLimiters, type TrustedProxies } from '@waymark/http';
import { ClientRegistry } from './clients/client-registry.js';
import { loadClients } from './clients/load-clients.js';
import type { Client } from './clients/types.js';
import { CLIENT_CEILING_FACTOR, DEFAULTS, type ClientRateLimit, type RateLimit } from './defaults.js';
import type { WaymarkEngine } from './engine.js';
import { parseByteSize } from './lib/byte-size.js';
import { LOG_CLIENT_IP_MODES, logIpFormatter, type LogClientIp } from './lib/log-ip.js';
import { hstsHeader, type HstsOptions } from './middleware/security-headers.js';
import { RouterOptionsError } from './errors.js';
import type { AdapterMetrics } from './metrics/adapter-metrics.js';
import { clientBudget, type ClientBudget } from './limits/client-budget.js';
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
  /**
   * Default `{ max: 60, clientMax: 6000, windowSeconds: 60 }`: `max` per public client and
   * source IP, `clientMax` per client (the only budget of a confidential client); `false`
   * disables. A `{ max, windowSeconds }` without `clientMax` gets 100 × max as its ceiling.
   */
  parRateLimit?: ClientRateLimit | false;
  /** Journey starts, counted like `parRateLimit`. Default `{ max: 60, clientMax: 6000, windowSeconds: 60 }`; `false` disables. */
  journeyStartRateLimit?: ClientRateLimit | false;
  /** Failed client authentications per client and source IP. Default `{ max: 20, windowSeconds: 600 }`; `false` disables. */
  authFailureRateLimit?: RateLimit | false;
  /**
   * Where every limit keeps its counts (the `RateLimiterFactory` contract of @waymark/sdk).
   * Default: `createMemoryRateLimiters()` from @waymark/http, one per router (one process).
   * Several processes behind one issuer pass `createRedisRateLimiters()` from @waymark/redis so
   * that they share one budget.
   */
  rateLimiters?: RateLimiterFactory;
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
  /**
   * Audit events (journey ends, PAR accepted or refused, authorize outcomes, policy decisions,
   * step-ups, sessions, client authentication failures): to an `AuditStore`, JSON log lines,
   * and any other sinks. Default: none.
   */
  audit?: RouterAuditOptions;
  /**
   * Keep finished journeys (and suspended ones, as `live`) with their traces in this store,
   * from the engine's events (`journeyLogListener` of @waymark/core). Default: none.
   */
  journeyLog?: JourneyLogStore;
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
  readonly parRateLimit: Required<ClientRateLimit> | false;
  /** The router's rate limiter factory (`rateLimiters`): every limit below, and the policy decision point's per-subject limit. */
  readonly rateLimiters: RateLimiterFactory;
  /** The limits, each spent through the router's `rateLimiters`; undefined when disabled. */
  readonly limits: {
    readonly par: ClientBudget | undefined;
    readonly journeyStart: ClientBudget | undefined;
    readonly authFailures: RateLimiter | undefined;
  };
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
  /** Records audit events (the `audit` option); undefined when there is none. */
  readonly audit: Auditor | undefined;
  /** The journey log (the `journeyLog` option). */
  readonly journeyLog: JourneyLogStore | undefined;
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

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

function checkRateLimit(option: string, limit: unknown): RateLimit | false {
  if (limit === false) return false;
  const l = limit as Partial<RateLimit> | null;
  if (l === null || typeof l !== 'object' || Object.keys(l).some((k) => k !== 'max' && k !== 'windowSeconds') || !positive(l.max) || !positive(l.windowSeconds))
    throw new RouterOptionsError(option, 'must be false or { max, windowSeconds } with positive integers');
  return { max: l.max, windowSeconds: l.windowSeconds };
}

function checkClientRateLimit(option: string, limit: unknown): Required<ClientRateLimit> | false {
  if (limit === false) return false;
  const l = limit as Partial<ClientRateLimit> | null;
  const keys = ['max', 'clientMax', 'windowSeconds'];
  if (l === null || typeof l !== 'object' || Object.keys(l).some((k) => !keys.includes(k)) || !positive(l.max) || !positive(l.windowSeconds))
    throw new RouterOptionsError(option, 'must be false or { max, clientMax?, windowSeconds } with positive integers');
  const clientMax = l.clientMax ?? l.max * CLIENT_CEILING_FACTOR;
  if (!positive(clientMax) || clientMax < l.max)
    throw new RouterOptionsError(option, 'clientMax (the ceiling per client over every source) must be an integer at least max');
  return { max: l.max, clientMax, windowSeconds: l.windowSeconds };
}

/** Validates the options, loads the clients and builds the context every endpoint shares. */
export function resolveOptions(options: WaymarkRouterOptions, metrics: AdapterMetrics = createAdapterMetrics()): RouterContext {
  if (options === null || typeof options !== 'object') throw new RouterOptionsError('options', 'pass { issuer, clients, stores }');
  const issuer = checkIssuer(options.issuer);
  const stores = checkStores(options.stores);
  // A disabled client (`enabled: false`) is unknown to every endpoint: invalid_client.
  const clients: Client[] = loadClients(options.clients).filter((client) => client.enabled);
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(options.trustedProxies ?? DEFAULTS.trustedProxies);
  } catch (error) {
    throw new RouterOptionsError('trustedProxies', `${(error as Error).message}; list IPs or CIDR ranges such as "10.0.0.0/8"`);
  }
  const limiters = options.rateLimiters ?? createMemoryRateLimiters();
  if (typeof limiters !== 'function') throw new RouterOptionsError('rateLimiters', 'must be a rate limiter factory such as createMemoryRateLimiters() from @waymark/http');
  const parLimit = checkClientRateLimit('parRateLimit', options.parRateLimit ?? DEFAULTS.parRateLimit);
  const journeyLimit = checkClientRateLimit('journeyStartRateLimit', options.journeyStartRateLimit ?? DEFAULTS.journeyStartRateLimit);
  const failureLimit = checkRateLimit('authFailureRateLimit', options.authFailureRateLimit ?? DEFAULTS.authFailureRateLimit);
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
  const clock = options.clock ?? DEFAULTS.clock;
  const logger = options.logger ?? DEFAULTS.logger;
  const audit = routerAuditor(options.audit, clock, logger, metrics);
  if (options.journeyLog !== undefined && typeof options.journeyLog?.record !== 'function')
    throw new RouterOptionsError('journeyLog', 'must be a JourneyLogStore (record, get, query)');
  const logClientIp = options.logClientIp ?? DEFAULTS.logClientIp;
  if (!LOG_CLIENT_IP_MODES.includes(logClientIp))
    throw new RouterOptionsError('logClientIp', `must be one of ${LOG_CLIENT_IP_MODES.map((m) => `"${m}"`).join(', ')}`);
  return Object.freeze({
    issuer,
    endpoints: { authorization: `${base}/authorize`, pushedAuthorizationRequest: `${base}/par` },
    clients: new ClientRegistry(clients),
    stores,
    clock,
    logger,
    trustedProxies,
    bodyLimit,
    parRateLimit: parLimit,
    rateLimiters: limiters,
    limits: Object.freeze({
      par: parLimit === false ? undefined : clientBudget(limiters, 'par', parLimit),
      journeyStart: journeyLimit === false ? undefined : clientBudget(limiters, 'journey-start', journeyLimit),
      authFailures: failureLimit === false ? undefined : limiters({ name: 'auth-failure', ...failureLimit }),
    }),
    engine: options.engine,
    healthCheckTimeoutMs,
    metrics,
    csrfKey,
    hsts,
    logIp: logIpFormatter(logClientIp, csrfKey),
    basePath: path.endsWith('/') ? path : `${path}/`,
    audit,
    journeyLog: options.journeyLog,
  });
}
