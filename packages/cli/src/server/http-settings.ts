import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ConfigProblem } from '@waymark/core';

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

/** The JSON Schema of the config's `"http"` key: every setting optional, defaults from {@link HTTP_DEFAULTS}. */
export const httpSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description:
    'the HTTP server\'s connection settings in milliseconds, such as { "headersTimeout": 10000, "requestTimeout": 30000, "keepAliveTimeout": 5000 }',
  properties: {
    headersTimeout: {
      type: 'integer',
      minimum: 1,
      default: HTTP_DEFAULTS.headersTimeout,
      description:
        'ms a client has to send the request line and headers (slowloris), a positive integer not above requestTimeout. Default 10000',
    },
    requestTimeout: {
      type: 'integer',
      minimum: 1,
      default: HTTP_DEFAULTS.requestTimeout,
      description: 'ms a client has to send the whole request, body included, a positive integer. Default 30000',
    },
    keepAliveTimeout: {
      type: 'integer',
      minimum: 1,
      default: HTTP_DEFAULTS.keepAliveTimeout,
      description:
        'ms an idle keep-alive connection stays open, a positive integer; above the idle timeout of a load balancer in front. Default 5000',
    },
    maxRequestsPerSocket: {
      type: 'integer',
      minimum: 0,
      default: HTTP_DEFAULTS.maxRequestsPerSocket,
      description: 'requests one connection may carry, an integer, 0 for no limit. Default 0',
    },
  },
} as const;

/**
 * What the schema cannot say: Node refuses a headers timeout longer than the request timeout
 * (the headers are part of the request). `settings` has the defaults filled in.
 */
export function httpProblems(settings: HttpSettings): ConfigProblem[] {
  if (settings.headersTimeout <= settings.requestTimeout) return [];
  return [
    {
      code: 'ERR_CONFIG_INVALID',
      pointer: '/http/headersTimeout',
      message: `must not be longer than http.requestTimeout (${settings.requestTimeout} ms): lower it, or raise requestTimeout`,
    },
  ];
}

/**
 * A Node HTTP server with the settings applied; an HTTPS one, with the same settings, when `tls`
 * (PEM certificate and key) is given. Node checks the header and request timeouts on a timer
 * (`connectionsCheckingInterval`, 30 s by default, so a 10 s timeout could take 40 s): here it
 * runs every quarter of the shorter timeout, at most every second.
 */
export function createHttpServer(listener: RequestListener, settings: HttpSettings, tls?: { cert: string; key: string }): Server {
  const options = {
    headersTimeout: settings.headersTimeout,
    requestTimeout: settings.requestTimeout,
    keepAliveTimeout: settings.keepAliveTimeout,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeout / 4))),
  };
  const server: Server =
    tls === undefined ? createServer(options, listener) : createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, listener);
  server.keepAliveTimeout = settings.keepAliveTimeout;
  server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
  return server;
}
