import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll } from '@jest/globals';
import { createEngine, createMemoryStores, NodeRegistry, validateFlow } from '@waymark/core';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { runFlow, testClock } from '@waymark/testing';

const flow = JSON.parse(readFileSync(new URL('./login.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const COOKIE = '__Host-waymark-session';
const request = { ip: '127.0.0.1', headers: {}, cookies: {}, userAgent: 'jest' };
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
    const result = await engine.start('login', { request: { ...request, cookies: { [COOKIE]: id } } });
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

  it('asks again after a wrong password and succeeds with the right one', async () => {
    const run = await runFlow(
      flow,
      [
        { expect: ['NameCallback', 'PasswordCallback'], answer: ['alice', 'wrong'] },
        { expect: ['NameCallback', 'PasswordCallback'], answer: ['alice', 'correct horse'] },
      ],
      { nodes: builtinNodes, services: { users } },
    );
    expect(run.status).toBe('success');
    expect(run.outcomes).toEqual(['none', 'collected', 'invalid', 'collected', 'valid', 'created']);
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
    const run = await runFlow(flow, [wrong, wrong, wrong, wrong, wrong], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes[run.outcomes.length - 1]).toBe('locked');
    expect(run.result.cookies).toEqual([]);
  });
});
