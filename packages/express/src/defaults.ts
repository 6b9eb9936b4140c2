import type { Clock, Logger } from '@waymark/sdk';
import { jsonLogger } from './lib/logger.js';
import type { LogClientIp } from './lib/log-ip.js';

/** A request budget: at most `max` requests per `windowSeconds`. */
export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/**
 * A budget counted per client and source IP, under a much higher ceiling per client: `max`
 * per (client, source IP) for callers that did not authenticate (public clients, browsers),
 * `clientMax` per client over every source together. A confidential client, once
 * authenticated, is counted per client only, against `clientMax`: its requests come from its
 * own servers, whose IPs say nothing about its users. IPv6 sources count per /64.
 */
export interface ClientRateLimit extends RateLimit {
  /** Per client, every source together. Default 100 × `max`. */
  clientMax?: number;
}

/** How many times `max` the client-wide ceiling is when `clientMax` is not given. */
export const CLIENT_CEILING_FACTOR = 100;

/**
 * Every option of `createWaymarkRouter` that has a default, with the reason for it. Options
 * without a default (`issuer`, `clients`, `stores`) are documented on `WaymarkRouterOptions`.
 */
export const DEFAULTS = {
  /** Epoch-ms time for expiries and JWT checks; tests inject a fake clock instead of sleeping. (Rate windows follow the limiter's own time: system time in memory, the Redis server's on Redis.) */
  clock: { now: () => Date.now() } as Clock,
  /** IPs/CIDRs whose X-Forwarded-For is believed. None: the client IP is the socket peer, which nobody can forge. */
  trustedProxies: [] as readonly string[],
  /** Largest accepted request body. 16kb holds any honest authorization request (with a token pushed) and bounds parsing work. */
  bodyLimit: '16kb' as string | number,
  /**
   * PAR budget (RFC 9126 §2.3), counted only for requests that passed validation (a 400 or 401
   * spends nothing). 60 a minute per public client and source IP: a person starts a handoff or
   * two a minute, and one carrier-grade NAT address may carry many people. 6000 a minute per
   * client over every source (100/s): far above one deployment's real handoffs, low enough
   * that a flood from many addresses cannot fill the pushed-request store (≤ 6000 live
   * requests of < 1 KB each at the 60 s default lifetime). `false` disables.
   */
  parRateLimit: { max: 60, clientMax: 6000, windowSeconds: 60 } as ClientRateLimit | false,
  /**
   * Journey starts (`POST /journeys/:flow`, and `GET /authorize` when it starts one), counted
   * when a journey is about to start: the same budget as PAR, since a handoff is one PAR and
   * one start. A server calling for many users (a confidential client) spends the per-client
   * budget only. `false` disables.
   */
  journeyStartRateLimit: { max: 60, clientMax: 6000, windowSeconds: 60 } as ClientRateLimit | false,
  /**
   * Failed client authentications (wrong secret, bad assertion) per client and source IP:
   * after 20 in 10 minutes that source gets 429 for that client, even with the right secret,
   * until the window ends. A correctly configured client never fails; 20 leaves room for a
   * rotation gone wrong. An attacker gets 20 guesses per address per 10 minutes. `false` disables.
   */
  authFailureRateLimit: { max: 20, windowSeconds: 600 } as RateLimit | false,
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
