import express, { type Express } from 'express';
import { createMemoryStores } from '@waymark/core';
import type { Stores } from '@waymark/sdk';
import { createWaymarkRouter, type ClientConfig, type WaymarkRouter, type WaymarkRouterOptions } from '@waymark/express';
import { captureLogger } from '../../../../test/support/capture-logger.js';
import { CHALLENGE } from '../../../../test/support/pkce.js';
import { TestClock } from '../../../../test/support/test-clock.js';

export const ISSUER = 'https://login.example.com';
export const SECRET = 'a-very-long-client-secret-of-at-least-32-chars';
// Shared with the repository-level tests (flows/, test/): they live in test/support.
export { CHALLENGE, TestClock, captureLogger };
export type { LogLine } from '../../../../test/support/capture-logger.js';

export const clients = {
  mobile: {
    client_id: 'mobile-app',
    type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['com.example.app:/callback'],
    allowed_flows: ['login'],
  },
  sessionTransfer: {
    client_id: 'session-transfer',
    type: 'session-transfer',
    token_endpoint_auth_method: 'none',
    require_pushed_authorization_requests: true,
    par_reference_timeout: 30,
    allowed_flows: ['session-transfer'],
    redirect_targets: ['https://profile.example.com/'],
    allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
  },
  web: {
    client_id: 'web-app',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: SECRET,
    redirect_uris: ['https://app.example.com/callback', 'https://app.example.com/other'],
    redirect_uri_patterns: ['https://*.preview.example.com/callback'],
    pkce: 'REQUIRED',
    allowed_flows: ['login', 'step-up'],
  },
  post: {
    client_id: 'post-app',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    client_secret: SECRET,
    redirect_uris: ['https://post.example.com/callback'],
    pkce: 'OPTIONAL',
    allowed_flows: ['login'],
  },
} satisfies Record<string, ClientConfig>;

export interface TestApp {
  app: Express;
  router: WaymarkRouter;
  clock: TestClock;
  stores: Stores;
  logger: ReturnType<typeof captureLogger>;
}

/** An express app with the router mounted at `/`, memory stores on a test clock and a capturing logger. */
export function testApp(overrides: Partial<WaymarkRouterOptions> = {}, configure?: (app: Express) => void): TestApp {
  const clock = new TestClock();
  const stores = overrides.stores ?? createMemoryStores(clock);
  const logger = captureLogger();
  const router = createWaymarkRouter({
    issuer: ISSUER,
    clients: Object.values(clients),
    stores,
    clock,
    logger,
    ...overrides,
  });
  const app = express();
  app.use('/', router);
  // Host routes after the router: requests the router does not answer fall through to them.
  configure?.(app);
  return { app, router, clock, stores, logger };
}

/** Form-encodes parameters (undefined values are left out). */
export function form(params: Record<string, string | undefined>): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.append(k, v);
  return body.toString();
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** The minimal valid PAR body of the public mobile client. */
export function mobilePar(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { client_id: 'mobile-app', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra };
}
