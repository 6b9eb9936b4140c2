import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '@waymark/sdk';
import { parseCookieHeader } from './cookies.js';

/**
 * What the engine sees of an HTTP request whose client IP the caller resolved (`clientIpOf`):
 * lower-case header names (repeated headers joined with ", ", RFC 9110 §5.3), cookies parsed
 * per RFC 6265 and the user agent; the header and cookie records are frozen. The `cookie` and
 * `authorization` headers are left out: cookies arrive parsed, and credentials are the
 * adapter's business, not a node's. `requestId` (see `requestIdOf`) rides along so the engine's
 * events carry it.
 *
 * @example
 * const request = requestInfoOf(req, clientIpOf(req, trusted));
 * await engine.start('login', { request });
 */
export function requestInfoOf(req: IncomingMessage, ip: string, requestId?: string): RequestInfo {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    if (key === 'cookie' || key === 'authorization') continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Frozen here, where they are built: the engine hands frozen views to nodes as they are (no copy per journey).
  const info: RequestInfo = {
    ip,
    headers: Object.freeze(headers),
    cookies: Object.freeze(parseCookieHeader(req.headers.cookie)),
    userAgent: req.headers['user-agent'],
  };
  if (requestId !== undefined) info.requestId = requestId;
  return info;
}
