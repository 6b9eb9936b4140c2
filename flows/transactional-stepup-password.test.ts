import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores, NodeRegistry, validateFlow } from '@waymark/core';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { createWaymarkRouter } from '@waymark/express';
import { createPolicyDecisionPoint } from '@waymark/policy';
import { runFlow, testClock, type TestClock } from '@waymark/testing';
import type { Stores } from '@waymark/sdk';

const flow = JSON.parse(readFileSync(new URL('./transactional-stepup-password.json', import.meta.url), 'utf8')) as { $schema: string; id: string };
const CREDENTIALS = ['NameCallback', 'PasswordCallback'];
// The article's users and passwords.
const USER_PASSWORD = '!!_SeCu4E@Pa55w04D$';
const ADMIN_PASSWORD = '!!_Adm1nSeCu4E@Pa55w04D$';
let users: FileUserStore;

beforeAll(async () => {
  // Cheap scrypt parameters: the flow is under test, not the hash cost.
  const cheap = { N: 1024, r: 8, p: 1 };
  const dir = mkdtempSync(join(tmpdir(), 'waymark-stepup-password-'));
  const file = join(dir, 'users.json');
  writeFileSync(
    file,
    JSON.stringify({
      users: [
        { sub: 'user-policy', username: 'policy_user', passwordHash: await hashPassword(USER_PASSWORD, cheap) },
        { sub: 'user-admin', username: 'policy_admin', passwordHash: await hashPassword(ADMIN_PASSWORD, cheap) },
      ],
    }),
  );
  users = new FileUserStore(file);
});

/** The step-up as the adapter starts it: the transaction's subject in state. */
const stepUp = (answer: [string, string], state: Record<string, string> = { sub: 'user-policy' }, clock?: TestClock) =>
  runFlow(flow, [{ expect: CREDENTIALS, answer }], { nodes: builtinNodes, services: { users }, state, ...(clock ? { clock } : {}) });

describe('flows/transactional-stepup-password.json (engine)', () => {
  it('is a valid flow that names the published schema', () => {
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const result = validateFlow(flow, registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(flow.$schema).toBe('../packages/core/schema/flow.schema.json');
  });

  it('succeeds when the transaction subject types their username and password again', async () => {
    const run = await stepUp(['policy_user', USER_PASSWORD]);
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['askCredentials', 'verifyCredentials']);
    expect(run.result.status === 'success' && run.result.sub).toBe('user-policy');
  });

  it('fails on a wrong password (the data-store decision goes to failure), with no cookie', async () => {
    const run = await stepUp(['policy_user', 'wrong']);
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['collected', 'invalid']);
    expect(run.trace.at(-1)?.reason).toBe('bad_credentials');
    expect(run.result.cookies).toEqual([]);
  });

  it("fails on another user's right credentials, exactly as on a wrong password", async () => {
    const run = await stepUp(['policy_admin', ADMIN_PASSWORD]);
    expect(run.status).toBe('failure');
    expect(run.trace.at(-1)).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
  });

  it('fails when the journey has no subject (nobody to step up)', async () => {
    const run = await stepUp(['policy_user', USER_PASSWORD], {});
    expect(run.status).toBe('failure');
    expect(run.trace.at(-1)).toMatchObject({ outcome: 'invalid', reason: 'no_subject' });
  });

  it('fails at once for a locked account (shared with the login lockout: a password guess is one wherever it is typed)', async () => {
    const clock = testClock();
    const engine = await createEngine({ nodes: builtinNodes, services: { users }, clock });
    engine.load(flow);
    const req = { ip: '198.51.100.7', headers: {}, cookies: {}, userAgent: 'jest' };
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const asked = await engine.start(flow.id, { request: req, state: { sub: 'user-policy' } });
      if (asked.status !== 'suspended') throw new Error('expected the credentials step');
      const filled = asked.callbacks.map((cb) => ({ ...cb, input: [{ name: cb.input[0]!.name, value: cb.type === 'PasswordCallback' ? (i < 5 ? 'wrong' : USER_PASSWORD) : 'policy_user' }] }));
      outcomes.push((await engine.resume(asked.journeyId, { request: req, callbacks: filled })).trace.at(-1)?.outcome ?? '?');
    }
    expect(outcomes).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked', 'locked']);
  });
});

describe('flows/transactional-stepup-password.json as the step-up of a transactional policy (adapter JSON API)', () => {
  const PAYMENT = 'https://api.bankingexample.com:443/makepayment';
  const SECRET = 'a-very-long-client-secret-of-at-least-32-chars';
  const PEP = `Basic ${Buffer.from(`payments-pep:${SECRET}`).toString('base64')}`;
  type Step = { journeyId: string; callbacks: { type: string; input: { name: string; value: unknown }[] }[] };

  async function app(): Promise<{ app: Express; stores: Stores; session: string }> {
    const clock = testClock();
    const stores = createMemoryStores(clock);
    const engine = await createEngine({ nodes: builtinNodes, stores, clock, services: { users } });
    engine.load(flow);
    const pdp = createPolicyDecisionPoint(
      {
        policySets: [
          {
            name: 'transactionalAuthZ',
            policies: [{ name: 'makePayment', resources: [PAYMENT], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: flow.id } }],
          },
        ],
      },
      { stores, clock },
    );
    const pep = { client_id: 'payments-pep', type: 'service', token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, allowed_flows: [flow.id] } as const;
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const server = express();
    server.use('/', createWaymarkRouter({ issuer: 'https://login.example.com', clients: [pep], stores, clock, logger: quiet, engine, policies: { pdp } }));
    const now = clock.now();
    const session = 'S'.repeat(43);
    await stores.sessions.put({ id: session, sub: 'user-policy', createdAt: now, lastSeenAt: now, idleSeconds: 3600, expiresAt: now + 3_600_000, authTime: now, amr: ['pwd'] });
    return { app: server, stores, session };
  }

  const fill = (step: Step, username: string, password: string) =>
    step.callbacks.map((cb) => ({ ...cb, input: [{ name: cb.input[0]!.name, value: cb.type === 'PasswordCallback' ? password : username }] }));

  it('advice → username and password again → the payment is allowed', async () => {
    const t = await app();
    const evaluate = (environment?: unknown) =>
      request(t.app)
        .post('/policies/evaluate')
        .set('Authorization', PEP)
        .send({ resources: [PAYMENT], application: 'transactionalAuthZ', subject: { ssoToken: t.session }, ...(environment ? { environment } : {}) });
    const advised = await evaluate();
    const txId = advised.body[0].advices.TransactionConditionAdvice[0] as string;
    const step = (await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: t.session })).body as Step;
    expect(step.callbacks.map((c) => c.type)).toEqual(CREDENTIALS);
    const done = await request(t.app).post(`/policies/transactions/${txId}/stepup/continue`).send({ ssoToken: t.session, journeyId: step.journeyId, callbacks: fill(step, 'policy_user', USER_PASSWORD) });
    expect(done.body).toEqual({ status: 'success', txId });
    const allowed = await evaluate({ TxId: [txId] });
    expect(allowed.body[0]).toMatchObject({ resource: PAYMENT, actions: { POST: true }, advices: {}, ttl: 0 });
  });

  it("another user's credentials fail the step-up and leave the transaction pending", async () => {
    const t = await app();
    const advised = await request(t.app).post('/policies/evaluate').set('Authorization', PEP).send({ resources: [PAYMENT], subject: { ssoToken: t.session } });
    const txId = advised.body[0].advices.TransactionConditionAdvice[0] as string;
    const step = (await request(t.app).post(`/policies/transactions/${txId}/stepup`).send({ ssoToken: t.session })).body as Step;
    const done = await request(t.app).post(`/policies/transactions/${txId}/stepup/continue`).send({ ssoToken: t.session, journeyId: step.journeyId, callbacks: fill(step, 'policy_admin', ADMIN_PASSWORD) });
    expect(done.status).toBe(401);
    expect(done.body.code).toBe('ERR_STEPUP_FAILED');
    expect((await t.stores.transactions.get(txId))?.status).toBe('pending');
  });
});
