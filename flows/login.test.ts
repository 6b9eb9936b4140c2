import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores, NodeRegistry, validateFlow } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { runFlow, testClock } from '@waymark/testing';

const flow = JSON.parse(readFileSync(new URL('./login.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const COOKIE = '__Host-waymark-session';
const browserRequest = { ip: '127.0.0.1', headers: {}, cookies: {}, userAgent: 'jest' };
let users: FileUserStore;

beforeAll(async () => {
  // Cheap scrypt parameters: the flow is under test, not the hash cost.
  const passwordHash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'waymark-login-'));
  writeFileSync(join(dir, 'users.json'), JSON.stringify({ users: [{ sub: 'user-alice', username: 'alice', passwordHash }] }));
  users = new FileUserStore(join(dir, 'users.json'));
});

describe('flows/login.json', () => {
  it('is a valid flow that names the published schema', () => {
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const result = validateFlow(flow, registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(flow.$schema).toBe('../packages/core/schema/flow.schema.json');
  });

  it('succeeds silently, without a single callback, when the browser brings a live Waymark session', async () => {
    const clock = testClock();
    const stores = createMemoryStores(clock);
    const engine = await createEngine({ nodes: builtinNodes, stores, clock, services: { users } });
    engine.load(flow);
    const id = 'A'.repeat(43);
    const now = clock.now();
    await stores.sessions.put({
      id,
      sub: 'user-alice',
      createdAt: now,
      lastSeenAt: now,
      idleSeconds: 1800,
      expiresAt: now + 3_600_000,
      authTime: now,
      amr: ['token'],
    });
    const result = await engine.start('login', { request: { ...browserRequest, cookies: { [COOKIE]: id } } });
    expect(result.status).toBe('success');
    if (result.status !== 'success') return;
    expect(result.sub).toBe('user-alice');
    expect(result.sessionId).toBe(id);
    expect(result.trace.map((s) => `${s.node}:${s.outcome}`)).toEqual(['checkSession:active']);
    // No new session, no cookie: the handoff's session is the one the web app signs in with.
    expect(result.cookies).toEqual([]);
  });

  it('asks for credentials without a session, then creates a session with amr pwd and sets its cookie', async () => {
    const run = await runFlow(flow, [{ expect: ['NameCallback', 'PasswordCallback'], answer: ['alice', 'correct horse'] }], {
      nodes: builtinNodes,
      services: { users },
    });
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['checkSession', 'askCredentials', 'verifyCredentials', 'createSession']);
    if (run.result.status !== 'success') return;
    expect(run.result.sub).toBe('user-alice');
    const session = await run.engine.stores.sessions.get(run.result.sessionId as string);
    expect(session?.amr).toEqual(['pwd']);
    expect(run.result.cookies).toEqual([expect.objectContaining({ name: COOKIE, value: run.result.sessionId })]);
  });

  it('asks again after a wrong password, saying the credentials were wrong, and succeeds with the right one', async () => {
    const run = await runFlow(
      flow,
      [
        { expect: ['NameCallback', 'PasswordCallback'], answer: ['alice', 'wrong'] },
        { expect: ['TextOutputCallback', 'NameCallback', 'PasswordCallback'], answer: ['alice', 'correct horse'] },
      ],
      { nodes: builtinNodes, services: { users } },
    );
    expect(run.status).toBe('success');
    expect(run.outcomes).toEqual(['none', 'collected', 'invalid', 'collected', 'valid', 'created']);
    const again = run.suspensions[1] ?? [];
    expect(again[0]?.output).toEqual([
      { name: 'message', value: 'Wrong username or password. Try again.' },
      { name: 'messageType', value: '2' },
    ]);
    expect(again[1]?.input[0]?.value).toBe('alice');
  });

  it('prompts when the session cookie names an unknown or expired session', async () => {
    const run = await runFlow(flow, [{ expect: ['NameCallback', 'PasswordCallback'] }], {
      nodes: builtinNodes,
      services: { users },
      request: { cookies: { [COOKIE]: 'B'.repeat(43) } },
    });
    expect(run.status).toBe('suspended');
    expect(run.trace[0]).toEqual(expect.objectContaining({ node: 'checkSession', outcome: 'none', reason: 'unknown_or_expired' }));
  });

  it('fails after five wrong passwords (lockout), without a session', async () => {
    const wrong = { expect: ['NameCallback', 'PasswordCallback'], answer: ['alice', 'wrong'] } as const;
    const again = { expect: ['TextOutputCallback', 'NameCallback', 'PasswordCallback'], answer: ['alice', 'wrong'] } as const;
    const run = await runFlow(flow, [wrong, again, again, again, again], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes[run.outcomes.length - 1]).toBe('locked');
    expect(run.result.cookies).toEqual([]);
  });
});

const WRONG = 'Wrong username or password. Try again.';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
type Step = { journeyId: string; callbacks: { type: string; output: { name: string; value: unknown }[]; input: { name: string; value: unknown }[] }[] };

/** The login flow behind the adapter: a public SPA client (JSON API) and a web client (pages). */
async function loginApp(): Promise<Express> {
  const clock = testClock();
  const stores = createMemoryStores(clock);
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, services: { users } });
  engine.load(flow);
  const web = { client_id: 'web-app', type: 'web', token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example.com/callback'], pkce: 'S256_REQUIRED', allowed_flows: ['login'] } as const;
  const spa = { client_id: 'spa-app', type: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.example.com/cb'], allowed_flows: ['login'], cors_origins: ['https://spa.example.com'] } as const;
  const app = express();
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  app.use('/', createWaymarkRouter({ issuer: 'https://login.example.com', clients: [web, spa], stores, clock, engine, logger: quiet, parRateLimit: false }));
  return app;
}

function fill(step: Step, username: string, password: string): Step['callbacks'] {
  return step.callbacks.map((cb) => (cb.input.length === 0 ? cb : { ...cb, input: [{ name: cb.input[0]!.name, value: cb.type === 'PasswordCallback' ? password : username }] }));
}

describe('flows/login.json behind the adapter: a wrong password says so', () => {
  it('JSON API: the next step carries an error TextOutputCallback, then the right password succeeds', async () => {
    const app = await loginApp();
    const first = (await request(app).post('/journeys/login').send({ client_id: 'spa-app' })).body as Step;
    expect(first.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
    const wrong = await request(app).post(`/journeys/${first.journeyId}/continue`).send({ callbacks: fill(first, 'alice', 'wrong') });
    expect(wrong.status).toBe(200);
    const again = wrong.body as Step;
    expect(again.callbacks.map((c) => c.type)).toEqual(['TextOutputCallback', 'NameCallback', 'PasswordCallback']);
    expect(again.callbacks[0]?.output).toEqual([
      { name: 'message', value: WRONG },
      { name: 'messageType', value: '2' },
    ]);
    expect(again.callbacks[1]?.input[0]?.value).toBe('alice');
    const right = await request(app).post(`/journeys/${again.journeyId}/continue`).send({ callbacks: fill(again, 'alice', 'correct horse') });
    expect(right.status).toBe(200);
    expect(right.body.status).toBe('success');
  });

  it('HTML pages: the form shown again has the error as an alert above the fields, with the username kept', async () => {
    const app = await loginApp();
    const query = new URLSearchParams({ client_id: 'web-app', response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256', state: 's' });
    const page = await request(app).get(`/authorize?${query.toString()}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(WRONG);
    const field = (text: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(text)?.[1] ?? '';
    const csrfCookie = (String((page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-waymark-csrf='))).split(';')[0]) ?? '';
    const submit = (text: string, password: string) =>
      request(app)
        .post('/authorize/continue')
        .set('Cookie', csrfCookie)
        .type('form')
        .send(
          new URLSearchParams({
            journeyId: field(text, 'journeyId'),
            csrf: field(text, 'csrf'),
            // Fields are named after each callback's input (IDToken1…): find the two the page asks.
            [/name="(IDToken\d+)" type="text"/.exec(text)?.[1] ?? '']: 'alice',
            [/name="(IDToken\d+)" type="password"/.exec(text)?.[1] ?? '']: password,
          }).toString(),
        );
    const wrong = await submit(page.text, 'wrong');
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain(`<p role="alert" class="error">${WRONG}</p>`);
    expect(wrong.text.indexOf(WRONG)).toBeLessThan(wrong.text.indexOf('type="password"'));
    expect(wrong.text).toMatch(/name="IDToken2" type="text" autocomplete="username" required value="alice"/);
    const right = await submit(wrong.text, 'correct horse');
    // This flow sets no redirect (the OpenID Provider resumes after it): the adapter's own page.
    expect(right.status).toBe(200);
    expect(right.text).toContain('<h1>Signed in</h1>');
    expect(right.text).not.toContain(WRONG);
  });
});
