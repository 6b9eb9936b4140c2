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

/** A Redis URL with any username and password removed, safe to log and to put in errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** StoreUnavailableError for start-up: names where it looked (without credentials) and why. */
export class RedisUnreachableError extends StoreUnavailableError {
  readonly target: string;
  constructor(target: string, cause: unknown) {
    super('redis', cause);
    this.target = target;
    const why = cause instanceof Error ? cause.message : String(cause);
    this.message = `cannot reach Redis at ${target}: ${why}. Check that Redis is running and that the URL, password and TLS settings are right.`;
  }
}
