import type { Callback } from './callbacks.js';
import type { JsonObject } from './json-schema.js';
import type { Stores } from './stores.js';

/** Injected time, so tests never sleep. `now()` is epoch milliseconds. */
export interface Clock {
  now(): number;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What the engine lends a node. Packages add their own services by declaration merging:
 *
 * @example
 * declare module '@waymark/sdk' {
 *   interface Services { users?: UserStore }
 * }
 */
export interface Services {
  clock: Clock;
  stores: Stores;
  logger: Logger;
  fetch: typeof fetch;
}

/** The HTTP request that drives this step (for a CLI run: a synthetic one). */
export interface RequestInfo {
  /** The client IP: the socket's, or from X-Forwarded-For only through trusted proxies. */
  ip: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  cookies: Readonly<Record<string, string>>;
  userAgent: string | undefined;
  /**
   * The HTTP method, where the caller sets it (the adapter does for the PAR request of the
   * push phase): what a DPoP proof's `htm` is compared with (RFC 9449 §4.3).
   */
  method?: string;
  /**
   * The absolute URL of the endpoint the request came to, without query, as the server names
   * it (from its issuer, not from a Host header), where the caller sets it: what a DPoP
   * proof's `htu` is compared with (RFC 9449 §4.3).
   */
  url?: string;
  /**
   * The request's id (`X-Request-Id`), where the caller sets it (the adapter always does): the
   * engine puts it on its journey events, so every log line, audit event and journey record of
   * one request carries the same id.
   */
  requestId?: string;
}

/** The pushed authorization request (RFC 9126) this journey was started from, if any. */
export interface PushedInfo {
  clientId: string;
  params: Readonly<Record<string, string>>;
  /** The IP observed on the PAR request (the back channel). */
  ip: string;
}

/** The OAuth client on whose behalf the journey runs, as far as nodes need it. */
export interface ClientInfo {
  clientId: string;
  /** Allowed redirect targets: absolute URLs, matched by exact origin and path prefix. */
  redirectTargets: readonly string[];
  redirectUris: readonly string[];
}

export interface CookieOptions {
  /** Seconds; omitted means a session cookie. */
  maxAge?: number;
  domain?: string;
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** A cookie the journey wants set (`value` string) or cleared (`value` null). */
export interface CookieEffect {
  name: string;
  value: string | null;
  options: CookieOptions;
}

/**
 * Response effects. Set cookies are applied only when the journey ends in success (no cookie
 * on any failure); cleared cookies are applied on every response. The redirect is followed on
 * success.
 */
export interface Effects {
  setCookie(name: string, value: string, options?: CookieOptions): void;
  clearCookie(name: string, options?: CookieOptions): void;
  redirect(url: string): void;
  /** Marks the session this journey created or found (its id reaches the success result). */
  session(id: string, sub: string): void;
}

export interface JourneyInfo {
  id: string;
  flowId: string;
  flowVersion: number;
  nodeId: string;
  startedAt: number;
}

export interface SuspendOptions {
  header?: string;
  /** A sentence under the header (AIC's page description). */
  description?: string;
  stage?: string;
}

/** What `ctx.suspend` returns; a node returns it as its result. */
export interface Suspension {
  suspend: Callback[];
  header?: string;
  description?: string;
  stage?: string;
}

/** An outcome with a reason code the trace keeps (`expired`, `audience`, …). */
export interface OutcomeWithReason {
  outcome: string;
  reason?: string;
}

export type NodeResult = string | OutcomeWithReason | Suspension;

/**
 * The context of one step. It is built fresh for every step: a node sees its journey's
 * `state`, the `secrets` of its own type namespace (text before the last dot of its type:
 * `credentials.collect` and `credentials.verify` share `credentials`), and nothing of the
 * engine itself.
 */
export interface NodeContext {
  readonly journey: Readonly<JourneyInfo>;
  readonly request: RequestInfo;
  /** Shortcut for `request.ip`. */
  readonly ip: string;
  readonly par: PushedInfo | undefined;
  /** Authorization parameters: the pushed ones, or plain ones for clients that allow it. */
  readonly params: Readonly<Record<string, string>>;
  readonly client: ClientInfo | undefined;
  /** Journey state: JSON, persisted, visible in traces. Mutate in place. */
  readonly state: JsonObject;
  /** Secrets: never logged or traced, encrypted when persisted. Mutate in place. */
  readonly secrets: Record<string, string>;
  readonly services: Services;
  readonly effects: Effects;
  /** On resume: the callbacks this node asked for, with the submitted input values. */
  readonly callbacks: Callback[] | undefined;
  /** Aborted when the per-node timeout fires. Pass it to fetch and other slow calls. */
  readonly signal: AbortSignal;
  suspend(callbacks: Callback[], options?: SuspendOptions): Suspension;
}
