import type { Clock, Logger } from '@waymark/sdk';
import { jsonLogger } from './lib/logger.js';
import type { LogClientIp } from './lib/log-ip.js';

/** A request budget: at most `max` requests per `windowSeconds`, counted per client. */
export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/**
 * Every option of `createWaymarkRouter` that has a default, with the reason for it. Options
 * without a default (`issuer`, `clients`, `stores`) are documented on `WaymarkRouterOptions`.
 */
export const DEFAULTS = {
  /** Epoch-ms time for expiries, JWT checks and rate windows; tests inject a fake clock instead of sleeping. */
  clock: { now: () => Date.now() } as Clock,
  /** IPs/CIDRs whose X-Forwarded-For is believed. None: the client IP is the socket peer, which nobody can forge. */
  trustedProxies: [] as readonly string[],
  /** Largest accepted request body. 16kb holds any honest authorization request (with a token pushed) and bounds parsing work. */
  bodyLimit: '16kb' as string | number,
  /** PAR requests per authenticated client: 30 a minute stops a runaway or stolen client without hurting a real one. `false` disables. */
  parRateLimit: { max: 30, windowSeconds: 60 } as RateLimit | false,
  /** Where the adapter logs: JSON lines on stderr, info and above. Never receives parameter values or tokens. */
  logger: jsonLogger as Logger,
  /** How long /healthz waits for the stores before it answers 503: under a typical probe timeout of 5 s. */
  healthCheckTimeoutMs: 2000,
  /** Largest lifetime (exp − now) of a private_key_jwt client assertion: bounds how long a jti must be remembered (RFC 7523 §3). */
  maxAssertionLifetimeSeconds: 600,
  /** Clock skew tolerated on JWT `exp`/`nbf`/`iat`: small, per the design's JWT rule. */
  clockToleranceSeconds: 30,
  /**
   * Strict-Transport-Security `max-age` when the issuer is https (and `hsts` is not false): one
   * year, what the browsers' preload lists ask for and long enough that a user who came once
   * is never downgraded to http by a network in between (RFC 6797 §11.2). Without
   * includeSubDomains: Waymark cannot know every subdomain serves https.
   */
  hstsMaxAgeSeconds: 31536000,
  /** Client IPs in the access log as resolved: what an operator tracing an incident needs. `truncated`, `hashed` or `none` for privacy. */
  logClientIp: 'full' as LogClientIp,
} as const;
