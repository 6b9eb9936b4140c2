import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool, type Dispatcher } from 'undici';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { GatewayError } from '../errors.js';

/*
 * Forwarding, on undici: a keep-alive connection pool per upstream origin, the request body
 * already read (the gateway inspected it), the answer's body streamed back chunk by chunk as it
 * arrives (SSE is never buffered). undici rather than http-proxy-3 or http-proxy-middleware:
 * those pipe the incoming request into the outgoing one, but an MCP route must read and judge
 * the body first, and rewrite a `tools/list` answer; undici (Node's own HTTP client, maintained
 * by the Node.js project) gives exactly a request with a body and a streamed answer, pooled.
 */

/** RFC 9110 §7.6.1: connection-specific fields are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** An upstream: its base URL and its connection pool. */
export interface Upstream {
  readonly url: URL;
  request(options: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: Buffer | undefined;
    signal?: AbortSignal;
  }): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

export function createUpstream(base: string): Upstream {
  const url = new URL(base);
  const pool = new Pool(url.origin, { connections: GATEWAY_DEFAULTS.upstreamConnections, pipelining: 1 });
  const basePath = url.pathname.replace(/\/$/, '');
  return {
    url,
    async request({ method, path, headers, body, signal }) {
      try {
        return await pool.request({
          method: method as Dispatcher.HttpMethod,
          path: basePath + path,
          headers,
          body: body ?? null,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw new GatewayError('ERR_GATEWAY_UPSTREAM', `upstream ${url.origin} could not be reached`, {}, { cause: error });
      }
    },
    close: () => pool.close(),
  };
}

/** The request headers forwarded upstream: end-to-end fields only, never `Authorization` or cookies (the agent's credentials stay here). */
export function forwardedHeaders(headers: IncomingHttpHeaders, keep?: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'cookie' || name === 'content-length') continue;
    if (keep && !keep(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Copies the upstream's status and end-to-end headers onto the answer. */
export function copyResponseHead(res: ServerResponse, upstream: Dispatcher.ResponseData, drop: ReadonlySet<string> = new Set()): void {
  res.statusCode = upstream.statusCode;
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name)) continue;
    res.setHeader(name, value);
  }
}

/** Streams the upstream's answer to the client as it comes (SSE events reach the client at once); a client that leaves stops the upstream read. */
export async function relay(res: ServerResponse, upstream: Dispatcher.ResponseData): Promise<void> {
  copyResponseHead(res, upstream);
  res.flushHeaders();
  try {
    await pipeline(upstream.body, res);
  } catch {
    // The client went away or the upstream broke off mid-stream: nothing left to answer.
    upstream.body.destroy();
  }
}
