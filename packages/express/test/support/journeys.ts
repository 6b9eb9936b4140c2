import express, { type Express } from 'express';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { callbacks, defineNode, type Stores } from '@waymark/sdk';
import { createWaymarkRouter, type ClientConfig, type WaymarkRouter, type WaymarkRouterOptions } from '@waymark/express';
import { captureLogger, CHALLENGE, ISSUER, SECRET, TestClock, basic } from './app.js';

/*
 * A router with an engine and small flows for the browser and JSON journey endpoints:
 * `ask-login` asks a name and a password (the test node `test.ask`: password "pw" signs the
 * name in), creates a session and redirects to the web app's home; `confirm` asks yes/no.
 */

export const askNode = defineNode({
  type: 'test.ask',
  version: 1,
  description: 'Asks a name and a password; "pw" is the only right password.',
  config: { type: 'object', additionalProperties: false, properties: {} } as const,
  outcomes: ['ok', 'bad'],
  run(ctx) {
    if (ctx.callbacks === undefined)
      return ctx.suspend([callbacks.name('User name'), callbacks.password('Password')], { header: 'Sign in', stage: 'credentials' });
    const [name, password] = ctx.callbacks.map((c) => c.input[0]?.value);
    if (password !== 'pw' || typeof name !== 'string' || name === '') return 'bad';
    ctx.state.sub = `user-${name}`;
    return 'ok';
  },
});

export const askLoginFlow = {
  id: 'ask-login',
  version: 1,
  description: 'Test flow: a name and a password, then a session and the web app home.',
  start: 'ask',
  nodes: {
    ask: { type: 'test.ask', outcomes: { ok: 'createSession', bad: 'failure' } },
    createSession: { type: 'session.create', outcomes: { created: 'toHome', conflict: 'failure' } },
    toHome: {
      type: 'redirect',
      config: { from: { value: 'https://app.example.com/home' } },
      outcomes: { redirected: 'success', rejected: 'failure' },
    },
  },
};

export const confirmFlow = {
  id: 'confirm',
  version: 1,
  description: 'Test flow: asks yes or no.',
  start: 'ask',
  nodes: {
    ask: {
      type: 'message',
      config: {
        message: 'Continue to the app?',
        options: [
          { outcome: 'yes', label: 'Yes' },
          { outcome: 'no', label: 'No' },
        ],
      },
      outcomes: { yes: 'success', no: 'failure' },
    },
  },
};

export const webClient = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'client_secret_basic',
  client_secret: SECRET,
  redirect_uris: ['https://app.example.com/callback'],
  allowed_flows: ['ask-login', 'confirm'],
  redirect_targets: ['https://app.example.com/'],
  cors_origins: ['https://app.example.com'],
} satisfies ClientConfig;

export const spaClient = {
  client_id: 'spa-app',
  type: 'spa',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://spa.example.com/cb'],
  allowed_flows: ['confirm', 'ask-login'],
  redirect_targets: ['https://app.example.com/'],
  cors_origins: ['https://spa.example.com'],
} satisfies ClientConfig;

export const WEB_AUTH = basic('web-app', SECRET);

export interface JourneyTestApp {
  app: Express;
  router: WaymarkRouter;
  engine: Engine;
  clock: TestClock;
  stores: Stores;
  logger: ReturnType<typeof captureLogger>;
}

export async function journeyApp(overrides: Partial<WaymarkRouterOptions> = {}): Promise<JourneyTestApp> {
  const clock = new TestClock();
  const stores = overrides.stores ?? createMemoryStores(clock);
  const logger = captureLogger();
  const engine = await createEngine({ nodes: [...builtinNodes, askNode], stores, clock, logger });
  engine.load(askLoginFlow);
  engine.load(confirmFlow);
  const router = createWaymarkRouter({
    issuer: ISSUER,
    clients: [webClient, spaClient],
    stores,
    clock,
    logger,
    engine,
    parRateLimit: false,
    ...overrides,
  });
  const app = express();
  app.use('/', router);
  return { app, router, engine, clock, stores, logger };
}

/** A plain authorization request of the web client (it does not require PAR). */
export function plainAuthorize(extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: 'web-app',
    response_type: 'code',
    redirect_uri: 'https://app.example.com/callback',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'st-123',
    ...extra,
  });
  return `/authorize?${params.toString()}`;
}

/** The hidden fields and the CSRF cookie of a rendered step page. */
export function formOf(res: { text: string; headers: Record<string, unknown> }): { journeyId: string; csrf: string; cookie: string } {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(res.text)?.[1] ?? '';
  const setCookie = res.headers['set-cookie'];
  const lines = Array.isArray(setCookie) ? (setCookie as string[]) : [];
  const csrfLine = lines.find((l) => l.startsWith('__Host-waymark-csrf=')) ?? '';
  return { journeyId: field('journeyId'), csrf: field('csrf'), cookie: csrfLine.split(';')[0] ?? '' };
}
