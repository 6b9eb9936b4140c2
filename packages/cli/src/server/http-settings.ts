import { createServer, type RequestListener, type Server } from 'node:http';
import { configError } from './config.js';

/**
 * How `waymark serve` treats connections: Node's own server settings, in milliseconds, under
 * the config's `"http"` key. Node's defaults (60 s for headers, 5 minutes for a request,
 * checked only every 30 s) let a slow client hold a connection for minutes: these are tight.
 */
export interface HttpSettings {
  /** Time a client has to send the request line and headers (Node `server.headersTimeout`); then 408 and the connection ends. */
  headersTimeout: number;
  /** Time a client has to send the whole request, body included (Node `server.requestTimeout`); then 408 and the connection ends. */
  requestTimeout: number;
  /** Idle time after a response before a keep-alive connection is closed (Node `server.keepAliveTimeout`). */
  keepAliveTimeout: number;
  /** Requests one connection may carry before the server closes it; 0 for no limit (Node `server.maxRequestsPerSocket`). */
  maxRequestsPerSocket: number;
}

export const HTTP_DEFAULTS: Readonly<HttpSettings> = Object.freeze({
  /** 10 s: an honest client sends its headers in one packet; a slow-header client (slowloris) is cut off after 10 s, not 60. */
  headersTimeout: 10_000,
  /** 30 s: the largest body accepted is 16 KB, which any network that can sign in at all sends in far less. */
  requestTimeout: 30_000,
  /** 5 s, Node's own: behind a load balancer, set it above the balancer's idle timeout (65000 behind a 60 s one) so the server never closes a connection the balancer is about to reuse. */
  keepAliveTimeout: 5_000,
  /** No limit, Node's own: set one (say 1000) to spread long-lived client connections over several processes. */
  maxRequestsPerSocket: 0,
});

const KEYS = Object.keys(HTTP_DEFAULTS) as (keyof HttpSettings)[];

/**
 * Validates the config's `"http"` object (any key may be left out) and applies the defaults.
 * ERR_CONFIG_INVALID names the key and the fix.
 *
 * @example
 * resolveHttpSettings({ keepAliveTimeout: 65000 }); // behind a load balancer with a 60 s idle timeout
 */
export function resolveHttpSettings(raw: unknown): HttpSettings {
  if (raw === undefined) return { ...HTTP_DEFAULTS };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw configError('http', 'must be an object such as { "headersTimeout": 10000, "requestTimeout": 30000, "keepAliveTimeout": 5000 }');
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!KEYS.includes(key as keyof HttpSettings))
      throw configError(`http.${key}`, `is not an http setting; use one of ${KEYS.join(', ')}`);
  const settings = { ...HTTP_DEFAULTS };
  for (const key of KEYS) {
    const value = given[key];
    if (value === undefined) continue;
    const min = key === 'maxRequestsPerSocket' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      throw configError(
        `http.${key}`,
        key === 'maxRequestsPerSocket' ? 'must be an integer, 0 or more (0: no limit)' : 'must be a positive integer of milliseconds',
      );
    settings[key] = value;
  }
  // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
  if (settings.headersTimeout > settings.requestTimeout)
    throw configError('http.headersTimeout', `must not be longer than http.requestTimeout (${settings.requestTimeout} ms)`);
  return settings;
}

/**
 * A Node HTTP server with the settings applied. Node checks the header and request timeouts
 * on a timer (`connectionsCheckingInterval`, 30 s by default, so a 10 s timeout could take
 * 40 s): here it runs every quarter of the shorter timeout, at most every second.
 */
export function createHttpServer(listener: RequestListener, settings: HttpSettings): Server {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeout,
      requestTimeout: settings.requestTimeout,
      keepAliveTimeout: settings.keepAliveTimeout,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeout / 4))),
    },
    listener,
  );
  server.keepAliveTimeout = settings.keepAliveTimeout;
  server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
  return server;
}
