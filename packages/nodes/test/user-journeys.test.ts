import { describe, it, expect } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinNodes, FileUserStore, hashPassword, MemoryUserStore, verifyPassword } from '@waymark/nodes';
import type { UserStore } from '@waymark/sdk';
import { runFlow, testClock } from '@waymark/testing';
import { lockoutFlow, registrationFlow } from '../../../test/support/user-journeys.js';

const PASSWORD = 'a new password';

const register = (users: UserStore, username = 'Dora', mail = 'dora@example.com') =>
  runFlow(
    registrationFlow,
    [
      { expect: ['NameCallback'], answer: [username] },
      { expect: ['PasswordCallback'], answer: [PASSWORD] },
      {
        expect: ['StringAttributeInputCallback', 'NumberAttributeInputCallback', 'BooleanAttributeInputCallback'],
        answer: [mail, 30, true],
      },
      { expect: ['TermsAndConditionsCallback'], answer: [true] },
    ],
    { nodes: builtinNodes, services: { users }, clock: testClock(Date.UTC(2026, 5, 1)) },
  );

describe('registration journey through the engine', () => {
  it('identify → notFound → password → attributes → terms → user.create → session.create: the user exists, signed in', async () => {
    const users = new MemoryUserStore();
    const run = await register(users);
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['username', 'identify', 'password', 'profile', 'terms', 'create', 'session']);
    expect(run.outcomes).toEqual(['collected', 'notFound', 'collected', 'collected', 'accepted', 'created', 'created']);
    const dora = (await users.findByUsername('dora'))!;
    expect(dora.attributes).toEqual({
      mail: 'dora@example.com',
      age: 30,
      newsletter: true,
      termsAccepted: { version: '2', acceptedAt: '2026-06-01T00:00:00.000Z' },
    });
    expect(run.result.status === 'success' && run.result.sub).toBe(dora.sub);
    expect(await verifyPassword(PASSWORD, dora.passwordHash!)).toBe(true);
    // The password is in no trace, state, log or result.
    expect(JSON.stringify([run.trace, run.logs, run.result])).not.toContain(PASSWORD);
  });

  it('a username that exists is found and goes no further', async () => {
    const users = new MemoryUserStore([{ sub: 'u-1', username: 'dora', attributes: {} }]);
    const run = await runFlow(registrationFlow, [{ answer: ['DORA'] }], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['collected', 'found']);
  });

  it('asks again with failedPolicies for a bad email, then goes on', async () => {
    const users = new MemoryUserStore();
    const run = await runFlow(
      registrationFlow,
      [
        { answer: ['erin'] },
        { answer: [PASSWORD] },
        { answer: ['not an email', 30, false] },
        {
          expect: ['StringAttributeInputCallback', 'NumberAttributeInputCallback', 'BooleanAttributeInputCallback'],
          answer: ['erin@example.com', 30, false],
        },
        { answer: [true] },
      ],
      { nodes: builtinNodes, services: { users } },
    );
    expect(run.status).toBe('success');
    const again = run.suspensions[3]![0]!.output.find((f) => f.name === 'failedPolicies')!.value as string[];
    expect(again.map((p) => JSON.parse(p) as { policyRequirement: string }).map((p) => p.policyRequirement)).toEqual(['MATCH_REGEXP']);
  });

  it('declining the terms creates nobody', async () => {
    const users = new MemoryUserStore();
    const run = await runFlow(
      registrationFlow,
      [{ answer: ['fay'] }, { answer: [PASSWORD] }, { answer: ['fay@example.com', null, false] }, { answer: [false] }],
      {
        nodes: builtinNodes,
        services: { users },
      },
    );
    expect(run.status).toBe('failure');
    expect(run.outcomes.at(-1)).toBe('declined');
    expect(await users.findByUsername('fay')).toBeUndefined();
  });

  it('runs on the file store too: the user is in the file afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'waymark-registration-'));
    try {
      const path = join(dir, 'users.json');
      await writeFile(path, '{ "users": [] }');
      const run = await register(new FileUserStore(path));
      expect(run.status).toBe('success');
      const file = JSON.parse(await readFile(path, 'utf8')) as { users: { username: string; attributes: object }[] };
      expect(file.users).toEqual([
        expect.objectContaining({ username: 'Dora', attributes: expect.objectContaining({ mail: 'dora@example.com' }) }),
      ]);
      expect(await readFile(path, 'utf8')).not.toContain(PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lockout journey through the engine: retry.limit + account.lockout + credentials.verify', () => {
  const setup = async () =>
    new MemoryUserStore([{ sub: 'u-gil', username: 'gil', passwordHash: await hashPassword('gil password', { N: 1024 }), attributes: {} }]);

  it('three wrong passwords in one journey: retry, retry, reject → the account is locked', async () => {
    const users = await setup();
    const run = await runFlow(lockoutFlow, [{ answer: ['gil', 'wrong1'] }, { answer: ['gil', 'wrong2'] }, { answer: ['gil', 'wrong3'] }], {
      nodes: builtinNodes,
      services: { users },
    });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual([
      'collected',
      'invalid',
      'retry',
      'collected',
      'invalid',
      'retry',
      'collected',
      'invalid',
      'reject',
      'found',
      'done',
    ]);
    expect((await users.findBySub('u-gil'))!.locked).toBe(true);

    // The next journey, with the right password: locked.
    const next = await runFlow(lockoutFlow, [{ answer: ['gil', 'gil password'] }], { nodes: builtinNodes, services: { users } });
    expect(next.status).toBe('failure');
    expect(next.outcomes).toEqual(['collected', 'locked']);
    expect(next.trace.at(-1)?.reason).toBe('account_locked');
  });

  it('a right password within the retries signs in and counts the login', async () => {
    const users = await setup();
    const run = await runFlow(lockoutFlow, [{ answer: ['gil', 'wrong'] }, { answer: ['gil', 'gil password'] }], {
      nodes: builtinNodes,
      services: { users },
    });
    expect(run.status).toBe('success');
    expect(run.outcomes).toEqual(['collected', 'invalid', 'retry', 'collected', 'valid', 'done']);
    expect((await users.findBySub('u-gil'))!.loginCount).toBe(1);
  });
});
