import type { IncomingMessage, ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { parseCookieHeader } from '@waymark/http';

/**
 * Forwards one request to the upstream and streams the answer back (no buffering: server-sent
 * events pass as they come). `onError` is called when the upstream cannot be reached.
 */
export type UpstreamProxy = (req: IncomingMessage, res: ServerResponse, onError: (error: Error) => void) => void;

/**
 * The default proxy: http-proxy-3 (the maintained rewrite of node-http-proxy, which Vite uses),
 * with `X-Forwarded-For/-Host/-Proto` added and the `Host` header kept, so the app builds links
 * to the gateway, not to itself.
 *
 * @example
 * const proxy = httpProxyTo('http://127.0.0.1:8080');
 * proxy(req, res, (error) => res.writeHead(502).end());
 */
export function httpProxyTo(target: string): UpstreamProxy {
  const server = createProxyServer({ target, xfwd: true });
  return (req, res, onError) => {
    server.web(req, res, {}, (error: Error) => onError(error));
  };
}

/**
 * Removes what the upstream must never get from the client: any copy of the identity header (a
 * forged identity) and the gateway's own cookies (the sealed session holds the ID token).
 */
export function stripGatewayHeaders(req: IncomingMessage, identityHeader: string, cookieNames: readonly string[]): void {
  delete req.headers[identityHeader.toLowerCase()];
  const cookie = req.headers.cookie;
  if (cookie === undefined) return;
  const kept = Object.entries(parseCookieHeader(cookie)).filter(([name]) => !cookieNames.includes(name));
  if (kept.length === 0) delete req.headers.cookie;
  else req.headers.cookie = kept.map(([name, value]) => `${name}=${value}`).join('; ');
}
