import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { peerOf, type TrustedProxies } from './client-ip.js';

/** The header that carries a request's id, in and out. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * What an incoming id may look like to be kept: 1 to 128 characters of letters, digits and
 * `- _ . : + / =` (UUIDs, W3C trace ids, AWS and Cloudflare ray ids). Nothing that could break
 * a log line, a JSON string or a header: no space, quote, control character or non-ASCII.
 */
const WELL_FORMED = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** True when `id` is a request id this server would keep. */
export function isWellFormedRequestId(id: string): boolean {
  return WELL_FORMED.test(id);
}

/**
 * The id of a request: the `X-Request-Id` its direct peer sent when that peer is a trusted
 * proxy (the one that assigned it, or passed on its own caller's) and the id is well formed
 * (see {@link isWellFormedRequestId}); otherwise a fresh random UUID. An id from anyone else is
 * never believed: a client could otherwise pick the id its own lines are filed under, or
 * collide with another request's on purpose.
 *
 * @example
 * const id = requestIdOf(req, compileTrustedProxies(['10.0.0.0/8']));
 * res.setHeader(REQUEST_ID_HEADER, id);
 */
export function requestIdOf(req: IncomingMessage, trusted: TrustedProxies): string {
  if (trusted.size > 0) {
    const offered = req.headers['x-request-id'];
    if (typeof offered === 'string' && WELL_FORMED.test(offered) && trusted.has(peerOf(req.socket))) return offered;
  }
  return randomUUID();
}

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The request's id, worked out once per request (`requestIdOf`) and echoed on its response
 * (`X-Request-Id`): every Waymark router an app mounts (the adapter, the OpenID Provider) that
 * sees the same request gets the same id, and the header is set once.
 *
 * @example
 * app.use((req, res, next) => { assignRequestId(req, res, trusted); next(); });
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse, trusted: TrustedProxies): string {
  let id = assigned.get(req);
  if (id === undefined) {
    id = requestIdOf(req, trusted);
    assigned.set(req, id);
  }
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The id `assignRequestId` gave this request, if it ran. */
export function requestIdFor(req: IncomingMessage): string | undefined {
  return assigned.get(req);
}
