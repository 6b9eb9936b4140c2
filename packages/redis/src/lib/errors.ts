import { StoreUnavailableError } from '@waymark/core';

/* Server replies that mean "not now" rather than "your command is wrong": the store is
 * unavailable and the caller must fail closed, exactly as when the connection is down. */
const TRANSIENT_REPLIES = ['LOADING', 'BUSY', 'OOM', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'NOREPLICAS', 'MISCONF'];

/** True for errors ioredis raises from a Redis reply (as opposed to the connection). */
function isReply(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Maps an ioredis failure to StoreUnavailableError (code ERR_STORE_UNAVAILABLE) when it is
 * about reaching Redis: connection refused or closed, offline, timed out, or a transient
 * server state. Anything else (a genuine reply error such as WRONGTYPE) is a bug and is
 * returned unchanged.
 */
export function toStoreError(store: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isReply(error) && !TRANSIENT_REPLIES.some((code) => error.message.startsWith(code))) return error;
  return new StoreUnavailableError(`redis ${store}`, error);
}

/**
 * StoreUnavailableError for start-up: names where it looked (without credentials), where that
 * came from (`the "redis" setting`, `WAYMARK_REDIS_URL`) when known, why, and the fix.
 */
export class RedisUnreachableError extends StoreUnavailableError {
  readonly target: string;
  constructor(target: string, cause: unknown, source?: string) {
    super('redis', cause);
    this.target = target;
    Object.assign(this.details, source === undefined ? { target } : { target, source });
    const inner = cause instanceof StoreUnavailableError && cause.cause instanceof Error ? cause.cause : cause;
    const why = (inner instanceof Error ? inner.message : String(inner)).replace(/\.+$/, '');
    this.message =
      source === undefined
        ? `cannot reach Redis at ${target}: ${why}. Start Redis there, or fix the address, password or TLS settings.`
        : `cannot reach Redis at ${target} (from ${source}): ${why}. Start Redis there, or fix ${source} (address, password, TLS).`;
  }
}
