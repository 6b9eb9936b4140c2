import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes, FileUserStore } from '@waymark/nodes';
import { connectRedis, createRedisStores, type RedisStores } from '@waymark/redis';
import type { Stores } from '@waymark/sdk';
import { createWaymarkRouter } from '@waymark/express';
import { captureLogger } from '../support/capture-logger.js';
import {
  authorizeUrl,
  cookieSets,
  demoFetch,
  HANDOFF_ISSUER,
  mintToken,
  mobileClient,
  pushHandoff,
  serveJwks,
  sessionTransferClient,
  shippedFlow,
  signingKeys,
} from '../support/handoff-app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { TestClock } from '../support/test-clock.js';
import { SHIPPED_VARIABLES } from '../support/shipped-variables.js';

/*
 * A store that goes down while a node uses it (issue 13, point 5): the sessions store of
 * `session.create`, the counters of `credentials.verify`, each on a real redis-server that is
 * stopped while everything else (memory) still answers. Whatever the flow wires for the node's
 * `error` outcome, the answer is 503 `temporarily_unavailable` (fail closed, retry), never a
 * journey "failure" (a 403 page, a 401 ERR_NODE_FAILED) that tells the user they could not be
 * signed in.
 */

const USERS_FILE = new URL('../../flows/fixtures/users.json', import.meta.url).pathname;
const passwordLogin = JSON.parse(readFileSync(new URL('../../flows/password-login.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

let redis: RedisServer;
let remote: RedisStores;
let jwks: Awaited<ReturnType<typeof serveJwks>>;

beforeAll(async () => {
  [redis, jwks] = await Promise.all([startRedisServer(), serveJwks((await signingKeys()).jwk)]);
  remote = createRedisStores({ redis: await connectRedis(redis.url), prefix: 'node-outage:' });
  await remote.ping();
  // Down from here on: the stores of the other kinds stay in memory and answer.
  await redis.stop();
});

afterAll(async () => {
  remote?.client.disconnect();
  await Promise.all([redis?.dispose(), jwks?.close()]);
});

/** The adapter with every store in memory but `down`, which lives on the stopped redis-server. */
async function appWith(down: keyof Stores, flows: unknown[]): Promise<{ app: Express; clock: TestClock }> {
  const clock = new TestClock();
  const stores: Stores = { ...createMemoryStores(clock), [down]: remote[down] };
  const engine = await createEngine({
    nodes: builtinNodes,
    stores,
    clock,
    logger: captureLogger(),
    fetch: demoFetch(jwks.base),
    variables: SHIPPED_VARIABLES,
    services: { users: new FileUserStore(USERS_FILE) },
  });
  for (const flow of flows) engine.load(flow);
  const router = createWaymarkRouter({
    issuer: HANDOFF_ISSUER,
    clients: [
      sessionTransferClient,
      mobileClient,
      {
        client_id: 'web-app',
        type: 'web',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['https://app.example.com/cb'],
        allowed_flows: ['password-login'],
      },
    ],
    stores,
    clock,
    logger: captureLogger(),
    engine,
    parRateLimit: false,
  });
  const app = express();
  app.use('/', router);
  return { app, clock };
}

/** The shipped session-transfer flow, with createSession's error outcome wired to failure or not. */
function transferFlow(wireError: boolean): unknown {
  const flow = structuredClone(shippedFlow) as { nodes: { createSession: { outcomes: Record<string, string> } } };
  if (wireError) flow.nodes.createSession.outcomes.error = 'failure';
  return flow;
}

/** The shipped password-login flow, with verify's error outcome wired to failure or not. */
function loginFlow(wireError: boolean): unknown {
  const flow = structuredClone(passwordLogin) as { nodes: { verify: { outcomes: Record<string, string> } } };
  if (wireError) flow.nodes.verify.outcomes.error = 'failure';
  return flow;
}

describe('a store that is down inside a node answers 503 temporarily_unavailable, whatever the flow wires', () => {
  it.each([
    ['wires its error outcome to failure', true],
    ['wires no error outcome', false],
  ])('session.create, when the flow %s: a 503 page, no cookie, no redirect', async (_name, wired) => {
    const { app, clock } = await appWith('sessions', [transferFlow(wired)]);
    const requestUri = await pushHandoff(app, { subject_token: await mintToken(clock) });
    const res = await request(app).get(authorizeUrl(requestUri));
    expect(res.status).toBe(503);
    expect(res.text).toContain('temporarily unavailable');
    expect(cookieSets(res)).toEqual([]);
    expect(res.headers.location).toBeUndefined();
    const json = await request(app)
      .get(authorizeUrl(await pushHandoff(app, { subject_token: await mintToken(clock) })))
      .set('Accept', 'application/json');
    expect(json.status).toBe(503);
    expect(json.body).toMatchObject({ error: 'temporarily_unavailable', code: 'ERR_STORE_UNAVAILABLE' });
  });

  it.each([
    ['wires its error outcome to failure', true],
    ['wires no error outcome', false],
  ])('credentials.verify, when the flow %s: the journey API answers 503, not 401 ERR_NODE_FAILED', async (_name, wired) => {
    const { app } = await appWith('counters', [loginFlow(wired)]);
    const started = await request(app).post('/journeys/password-login').send({ client_id: 'web-app' });
    expect(started.status).toBe(200);
    const callbacks = (started.body.callbacks as { type: string; input: { name: string; value: unknown }[] }[]).map((cb) => ({
      ...cb,
      input: cb.input.map((f) => ({ ...f, value: cb.type === 'NameCallback' ? 'alice' : 'correct horse battery staple' })),
    }));
    const res = await request(app)
      .post(`/journeys/${started.body.journeyId as string}/continue`)
      .send({ callbacks });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'temporarily_unavailable', code: 'ERR_STORE_UNAVAILABLE' });
  });
});
