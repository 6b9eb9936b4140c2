import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, type Engine } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes } from '@waymark/nodes';
import { connectRedis, createRedisStores, type RedisStores } from '@waymark/redis';
import { callbacks, defineNode, type Callback, type Logger, type Stores } from '@waymark/sdk';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

/*
 * A subflow (flow.run) through the HTTP adapter on Redis, as two server processes share it: a
 * journey starts on one, its child flow asks for credentials (the parent journey suspends, its
 * record in Redis holding where the child is and the child's own state), and the answer goes to
 * the other process, which resumes inside the child. The child's session and redirect are the
 * journey's. Once through the JSON journey API, once through the HTML pages.
 */

const ask = defineNode({
  type: 'test.ask',
  version: 1,
  description: 'Asks a name and a password; "pw" is the only right password.',
  outcomes: ['ok', 'bad'],
  run(ctx) {
    if (ctx.callbacks === undefined)
      return ctx.suspend([callbacks.name('User name'), callbacks.password('Password')], {
        header: `Sign in, ${String(ctx.state.hint)}`,
        stage: 'credentials',
      });
    const [name, password] = ctx.callbacks.map((c) => c.input[0]?.value);
    if (password !== 'pw' || typeof name !== 'string' || name === '') return 'bad';
    ctx.state.sub = `user-${name}`;
    return 'ok';
  },
});

/** The child: credentials, a session and the redirect home, all on its own (isolated) state. */
const signIn = {
  id: 'sign-in',
  version: 1,
  description: 'Asks credentials, creates the session and redirects home.',
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

/** The parent: runs the child with the login hint in, takes the subject back. */
const portal = {
  id: 'portal',
  version: 1,
  description: 'Signs in through the sign-in subflow.',
  start: 'signIn',
  nodes: {
    signIn: {
      type: 'flow.run',
      config: { flow: 'sign-in', input: { hint: 'params.login_hint' }, output: { sub: 'sub' } },
      outcomes: { success: 'success', failure: 'failure' },
    },
  },
};

const client = {
  client_id: 'portal-web',
  type: 'spa',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://app.example.com/callback'],
  allowed_flows: ['portal'],
  redirect_targets: ['https://app.example.com/'],
  pkce: 'S256_REQUIRED',
} as const;

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const secretKeys = [randomBytes(32).toString('base64url')];
const csrfKey = randomBytes(32);

let redis: RedisServer;
const opened: RedisStores[] = [];

/** One server process: its own engine, router and Redis connection, the keys shared. */
async function process(): Promise<{ app: Express; engine: Engine; stores: Stores }> {
  const redisStores = createRedisStores({ redis: await connectRedis(redis.url), prefix: 'subflow:' });
  opened.push(redisStores);
  const { journeys, pushedRequests, sessions, transactions, counters, kv } = redisStores;
  const stores: Stores = { journeys, pushedRequests, sessions, transactions, counters, kv };
  const engine = await createEngine({ nodes: [...builtinNodes, ask], stores, logger: silent, secretKeys });
  engine.load(signIn);
  engine.load(portal);
  const app = express();
  app.use(
    '/',
    createWaymarkRouter({ issuer: 'http://127.0.0.1', clients: [client], stores, logger: silent, engine, csrfKey, parRateLimit: false }),
  );
  return { app, engine, stores };
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const stores of opened) stores.client.disconnect();
  await redis?.dispose();
});

function sessionCookie(headers: Record<string, unknown>): string | undefined {
  const raw = headers['set-cookie'];
  const line = (Array.isArray(raw) ? (raw as string[]) : []).find((l) => l.startsWith('__Host-waymark-session='));
  return line?.split(';')[0]?.split('=')[1];
}

describe('flow.run through the adapter, on Redis, across two processes', () => {
  it('JSON journey API: suspends inside the child, resumes there on the other process, and the child session is the journey’s', async () => {
    const [one, two] = [await process(), await process()];
    const started = await request(one.app)
      .post('/journeys/portal')
      .send({ client_id: 'portal-web', params: { login_hint: 'ada' } });
    expect(started.status).toBe(200);
    expect(started.body.header).toBe('Sign in, ada');
    const journeyId = String(started.body.journeyId);
    // The record in Redis says where the child is, with the child's own state.
    const stored = JSON.parse((await two.stores.journeys.get(journeyId))!.value) as { f: string; n: string; sub: unknown };
    expect(stored).toMatchObject({ f: 'portal', n: 'signIn', sub: [{ f: 'sign-in', fv: 1, n: 'ask', s: { hint: 'ada' } }] });

    const answers = (started.body.callbacks as Callback[]).map((cb, i) => ({
      ...cb,
      input: cb.input.map((f) => ({ ...f, value: ['ada', 'pw'][i] })),
    }));
    const done = await request(two.app).post(`/journeys/${journeyId}/continue`).send({ callbacks: answers });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('success');
    const session = sessionCookie(done.headers);
    expect(session).toBeDefined();
    expect(await one.stores.sessions.get(session!)).toMatchObject({ sub: 'user-ada' });
    expect(await two.stores.journeys.get(journeyId)).toBeUndefined();
  });

  it('HTML pages: the child step renders as the journey page, and the form posted to the other process follows the child redirect with its session', async () => {
    const [one, two] = [await process(), await process()];
    const query = new URLSearchParams({
      client_id: 'portal-web',
      response_type: 'code',
      redirect_uri: 'https://app.example.com/callback',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'st',
    });
    const page = await request(one.app).get(`/authorize?${query.toString()}&login_hint=grace`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sign in, grace');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<input id="IDToken2" name="IDToken2" type="password"/);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1] ?? '';
    const raw = page.headers['set-cookie'] as unknown as string[];
    const csrfCookie = raw.find((l) => l.startsWith('__Host-waymark-csrf='))!.split(';')[0]!;
    const res = await request(two.app)
      .post('/authorize/continue')
      .set('Cookie', csrfCookie)
      .type('application/x-www-form-urlencoded')
      .send(new URLSearchParams({ journeyId: field('journeyId'), csrf: field('csrf'), IDToken1: 'grace', IDToken2: 'pw' }).toString());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://app.example.com/home');
    expect(await two.stores.sessions.get(sessionCookie(res.headers)!)).toMatchObject({ sub: 'user-grace', clientId: 'portal-web' });
  });
});
