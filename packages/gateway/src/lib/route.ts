import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Auditor } from '@waymark/core';
import type { Clock, Logger, RateLimiterFactory, Stores } from '@waymark/sdk';
import type { FetchLike } from '@waymark/access-token';
import type { GatewayMetrics } from '../observe.js';
import type { StepUpCiba } from '../config/types.js';

/** What every route is built with (the gateway's, shared by its routes). */
export interface RouteDeps {
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  metrics: GatewayMetrics;
  rateLimiters: RateLimiterFactory;
  audit?: Auditor | undefined;
  logger?: Logger | undefined;
  /** Stores for the step-up transactions (@waymark/policy): the same the Waymark server's step-up pages use. */
  stores?: Pick<Stores, 'sessions' | 'transactions' | 'counters'> | undefined;
  /** The fetch the token validators (JWKS) and the token exchange use. */
  fetch?: FetchLike | undefined;
}

/** What a route of the gateway's own settings needs. */
export interface GatewaySettings {
  publicUrl: string;
  bodyLimit: number;
  policies?: unknown;
  stepUpUrl?: string | undefined;
  stepUpCiba?: StepUpCiba | undefined;
}

/** What the gateway tells a route about one request. */
export interface RouteCall {
  /** The path under the route, with its query (`/` or `/accounts?x=1`). */
  suffix: string;
  /** The request's id (`X-Request-Id`), shared with the audit event. */
  requestId: string;
}

/** One endpoint a route answers: a method (`ALL` for every method) and a full path, `{name}` for a path parameter (OpenAPI's). */
export interface GatewayEndpoint {
  method: string;
  path: string;
}

/** A built route: answers requests under its path. */
export interface GatewayRoute {
  readonly kind: 'mcp' | 'api' | 'web';
  readonly name: string;
  readonly path: string;
  /** The protected resource metadata (RFC 9728) of an mcp route. */
  readonly metadata?: object;
  /**
   * What the route answers, for the reference's route walk (packages/cli/test/serve-openapi.test.ts):
   * each endpoint must be described in the OpenAPI document, or listed as intentionally undocumented.
   */
  readonly endpoints: readonly GatewayEndpoint[];
  /** Answers one request. */
  handle(req: IncomingMessage, res: ServerResponse, call: RouteCall): Promise<void>;
  close(): Promise<void>;
}

/** The milliseconds since `start` (a `performance.now()`). */
export function elapsed(start: number): number {
  return performance.now() - start;
}
