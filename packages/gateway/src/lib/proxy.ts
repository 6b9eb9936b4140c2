import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool, type Dispatcher } from 'undici';
import { ConfigInvalidError, type ConfigProblem } from '@waymark/core';
import type { UpstreamTls } from '../config/types.js';
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

/** The TLS material of a mutual-TLS upstream, read: PEM text. */
export interface UpstreamTlsMaterial {
  cert: string;
  key: string;
  ca?: string | undefined;
  servername?: string | undefined;
}

/**
 * Reads a route's `upstreamTls` files once, at build time. A missing or unreadable file, or an
 * http upstream (no TLS to put a certificate in), is ERR_CONFIG_INVALID naming the option.
 */
export function readUpstreamTls(route: {
  name: string;
  upstream: string;
  upstreamTls?: UpstreamTls | undefined;
}): UpstreamTlsMaterial | undefined {
  const tls = route.upstreamTls;
  if (tls === undefined) return undefined;
  const at = `/routes/${route.name}/upstreamTls`;
  if (new URL(route.upstream).protocol !== 'https:')
    throw new ConfigInvalidError('gateway route upstreamTls', [
      {
        code: 'ERR_CONFIG_INVALID',
        pointer: `/routes/${route.name}/upstream`,
        message: 'must be an https URL with upstreamTls (a client certificate is sent in TLS)',
      },
    ]);
  const problems: ConfigProblem[] = [];
  const read = (key: 'certFile' | 'keyFile' | 'caFile'): string | undefined => {
    const file = tls[key];
    if (file === undefined) return undefined;
    try {
      return readFileSync(resolve(file), 'utf8');
    } catch (error) {
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `${at}/${key}`,
        message: `cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): give the path of a PEM file the gateway can read`,
      });
      return undefined;
    }
  };
  const cert = read('certFile');
  const key = read('keyFile');
  const ca = read('caFile');
  if (problems.length > 0 || cert === undefined || key === undefined) throw new ConfigInvalidError('gateway route upstreamTls', problems);
  return { cert, key, ca, servername: tls.servername };
}

export function createUpstream(base: string, tls?: UpstreamTlsMaterial): Upstream {
  const url = new URL(base);
  const pool = new Pool(url.origin, {
    connections: GATEWAY_DEFAULTS.upstreamConnections,
    pipelining: 1,
    // Mutual TLS (RFC 8446 §4.4.2): the gateway's certificate when the upstream asks for one.
    ...(tls
      ? {
          connect: {
            cert: tls.cert,
            key: tls.key,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
          },
        }
      : {}),
  });
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
