import type { IncomingHttpHeaders } from 'node:http';

/**
 * What `prefersJson` needs of a request: its headers and the framework's Accept negotiation
 * (express's `req.accepts`, koa's `ctx.accepts`), so every framework keeps its own RFC 9110
 * parser and Waymark adds no dependency.
 */
export interface NegotiableRequest {
  readonly headers: IncomingHttpHeaders;
  accepts(types: string[]): string | false;
}

/**
 * True when the caller asked for JSON (AIC-style clients, native apps) rather than a page:
 * `Accept` prefers `application/json` to `text/html`. No Accept header, or one accepting any
 * type, makes every type equally acceptable and the first, HTML, wins (RFC 9110 §12.5.1), so
 * nothing is negotiated on that, the common, path.
 *
 * @example
 * if (prefersJson(req)) res.json(body); else res.type('html').send(page);
 */
export function prefersJson(req: NegotiableRequest): boolean {
  const accept = req.headers.accept;
  // RFC 9110 §12.5.1: no Accept (or */*) accepts every type; the first offered, HTML, wins.
  if (accept === undefined || accept === '*/*') return false;
  return req.accepts(['html', 'json']) === 'json';
}
