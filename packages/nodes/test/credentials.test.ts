import { describe, it, expect, beforeAll } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStores } from '@waymark/core';
import { callbacks, type Callback } from '@waymark/sdk';
import { FileUserStore, credentialsCollect, credentialsVerify, hashPassword, parseUsersFile, verifyPassword, type UserStore } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';

const PASSWORD = 'correct horse battery staple';
/* Test hashes use cheap parameters (the format carries them); the defaults are tested once. */
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

let usersFile: string;
let users: UserStore;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'waymark-users-'));
  usersFile = join(dir, 'users.json');
  const doc = {
    users: [
      { sub: 'u-alice', username: 'alice', passwordHash: await hashPassword(PASSWORD, CHEAP), attributes: { email: 'alice@example.com' } },
      { sub: 'u-bob', username: 'Bob', passwordHash: await hashPassword('bobs password', CHEAP), attributes: {} },
    ],
  };
  await writeFile(usersFile, JSON.stringify(doc));
  users = new FileUserStore(usersFile);
});

function answer(username: string, password: string): Callback[] {
  const name = callbacks.name('User Name', username);
  const pw = callbacks.password('Password');
  pw.input[0]!.value = password;
  return [name, pw];
}

describe('credentials.collect', () => {
  it('suspends with a NameCallback and a PasswordCallback', async () => {
    const r = await runNode(credentialsCollect);
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks!.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
  });

  it('writes the username to state and the password to secrets only (outcome collected)', async () => {
    const r = await runNode(credentialsCollect, { submit: answer('  alice ', PASSWORD) });
    expect(r.outcome).toBe('collected');
    expect(r.state).toEqual({ username: 'alice' });
    expect(r.secrets).toEqual({ password: PASSWORD });
    expect(JSON.stringify([r.state, r.logs])).not.toContain(PASSWORD);
  });

  it('asks again with an error message when the username or password is empty', async () => {
    const r = await runNode(credentialsCollect, { submit: answer('alice', '') });
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'NameCallback', 'PasswordCallback']);
    expect(r.callbacks![1]!.input[0]!.value).toBe('alice');
    expect(r.secrets).toEqual({});
    const noName = await runNode(credentialsCollect, { submit: answer('   ', PASSWORD) });
    expect(noName.outcome).toBeUndefined();
    expect(noName.state).toEqual({});
  });

  it('refuses an oversized password before anything hashes it', async () => {
    const r = await runNode(credentialsCollect, { submit: answer('alice', 'x'.repeat(1025)) });
    expect(r.outcome).toBeUndefined();
    expect(r.secrets).toEqual({});
  });
});

describe('credentials.verify', () => {
  const setup = () => {
    const clock = testClock();
    return { clock, stores: createMemoryStores(clock) };
  };
  const verify = (w: ReturnType<typeof setup>, username: string, password: string, config: Record<string, unknown> = {}) =>
    runNode(credentialsVerify, { ...w, state: { username }, secrets: { password }, services: { users }, config });

  it('is valid for the right password: sets sub, drops the password from secrets', async () => {
    const r = await verify(setup(), 'alice', PASSWORD);
    expect(r.outcome).toBe('valid');
    expect(r.state).toEqual({ username: 'alice', sub: 'u-alice' });
    expect(r.secrets).toEqual({});
  });

  it('matches usernames case-insensitively and stores the canonical spelling', async () => {
    const r = await verify(setup(), 'BOB', 'bobs password');
    expect(r.outcome).toBe('valid');
    expect(r.state).toMatchObject({ sub: 'u-bob', username: 'Bob' });
  });

  it('is invalid for a wrong password, without a hint in the reason, and drops the password', async () => {
    const r = await verify(setup(), 'alice', 'wrong');
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
    expect(r.state.sub).toBeUndefined();
    // No password left; only the refusal credentials.collect reads to say why it asks again.
    expect(r.secrets).toEqual({ refused: 'bad_credentials' });
    expect(JSON.stringify([r.state, r.logs, r.reason])).not.toContain('wrong');
  });

  it('is invalid for an unknown user with the same reason as for a wrong password', async () => {
    const r = await verify(setup(), 'mallory', 'anything');
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
  });

  it('is invalid when nothing was collected', async () => {
    const w = setup();
    const r = await runNode(credentialsVerify, { ...w, state: { username: 'alice' }, services: { users } });
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'missing' });
  });

  it('locks the username after maxAttempts failures, even for the right password, until the window passes', async () => {
    const w = setup();
    for (let i = 0; i < 2; i++) expect((await verify(w, 'alice', 'wrong', { maxAttempts: 3 })).outcome).toBe('invalid');
    expect(await verify(w, 'alice', 'wrong', { maxAttempts: 3 })).toMatchObject({ outcome: 'locked', reason: 'max_attempts' });
    const right = await verify(w, 'ALICE', PASSWORD, { maxAttempts: 3 });
    expect(right).toMatchObject({ outcome: 'locked' });
    expect(right.secrets).toEqual({});
    w.clock.advance(900_000 + 1);
    expect((await verify(w, 'alice', PASSWORD, { maxAttempts: 3 })).outcome).toBe('valid');
  });

  it('resets the failure counter on success', async () => {
    const w = setup();
    for (let i = 0; i < 4; i++) await verify(w, 'alice', 'wrong');
    expect((await verify(w, 'alice', PASSWORD)).outcome).toBe('valid');
    for (let i = 0; i < 4; i++) expect((await verify(w, 'alice', 'wrong')).outcome).toBe('invalid');
  });

  it('locks unknown usernames the same way, so locking does not reveal who exists', async () => {
    const w = setup();
    const outcomes = [];
    for (let i = 0; i < 2; i++) outcomes.push((await verify(w, 'nobody', 'x', { maxAttempts: 2 })).outcome);
    expect(outcomes).toEqual(['invalid', 'locked']);
  });

  it('reads users from config.usersFile when services.users is not wired', async () => {
    const w = setup();
    const r = await runNode(credentialsVerify, { ...w, state: { username: 'alice' }, secrets: { password: PASSWORD }, config: { usersFile } });
    expect(r.outcome).toBe('valid');
  });

  it('fails with ERR_NO_USER_STORE when there is no user store at all', async () => {
    const r = await runNode(credentialsVerify, { state: { username: 'alice' }, secrets: { password: PASSWORD } });
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({ code: 'ERR_NO_USER_STORE' });
    expect(r.secrets).toEqual({});
  });

  it('shares the password with collect through the credentials secret namespace', async () => {
    const collected = await runNode(credentialsCollect, { submit: answer('alice', PASSWORD) });
    const r = await runNode(credentialsVerify, { state: collected.state, secrets: collected.secrets, services: { users } });
    expect(r.outcome).toBe('valid');
  });
});

describe('a refused attempt, asked again (credentials.verify → credentials.collect)', () => {
  it('asks again saying the credentials were wrong, with the username filled in, and says it once', async () => {
    const refused = await runNode(credentialsVerify, { state: { username: 'alice' }, secrets: { password: 'wrong' }, services: { users } });
    expect(refused.outcome).toBe('invalid');
    const again = await runNode(credentialsCollect, { state: refused.state, secrets: refused.secrets });
    expect(again.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'NameCallback', 'PasswordCallback']);
    expect(again.callbacks![0]!.output).toEqual([
      { name: 'message', value: 'Wrong username or password. Try again.' },
      { name: 'messageType', value: '2' },
    ]);
    expect(again.callbacks![1]!.input[0]!.value).toBe('alice');
    expect(again.secrets).toEqual({});
    const third = await runNode(credentialsCollect, { state: again.state, secrets: again.secrets });
    expect(third.callbacks!.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
  });

  it('uses the configured retryMessage', async () => {
    const again = await runNode(credentialsCollect, { state: { username: 'alice' }, secrets: { refused: 'bad_credentials' }, config: { retryMessage: 'Nope.' } });
    expect(again.callbacks![0]!.output[0]).toEqual({ name: 'message', value: 'Nope.' });
  });

  it('asks the first time without a message, and a valid attempt leaves no refusal behind', async () => {
    const first = await runNode(credentialsCollect, { state: { username: 'alice' } });
    expect(first.callbacks!.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
    const valid = await runNode(credentialsVerify, { state: { username: 'alice' }, secrets: { password: PASSWORD, refused: 'bad_credentials' }, services: { users } });
    expect(valid.outcome).toBe('valid');
    expect(valid.secrets).toEqual({});
  });
});

describe('credentials.verify with subjectFrom (a step-up)', () => {
  const stepUp = (username: string, password: string, state: Record<string, string> = { sub: 'u-alice' }) => {
    const clock = testClock();
    return runNode(credentialsVerify, { clock, stores: createMemoryStores(clock), state: { ...state, username }, secrets: { password }, services: { users }, config: { subjectFrom: 'sub' } });
  };

  it('is valid for the subject\'s own credentials', async () => {
    const r = await stepUp('alice', PASSWORD);
    expect(r.outcome).toBe('valid');
    expect(r.state.sub).toBe('u-alice');
  });

  it('refuses another user\'s right credentials exactly like a wrong password, and keeps the subject', async () => {
    const other = await stepUp('bob', 'bobs password');
    const wrong = await stepUp('alice', 'wrong');
    expect(other).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
    expect(wrong).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
    expect(other.state.sub).toBe('u-alice');
  });

  it('refuses when there is no subject to step up', async () => {
    const r = await stepUp('alice', PASSWORD, {});
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'no_subject' });
    expect(r.state.sub).toBeUndefined();
  });
});

describe('password hashing and the users file', () => {
  it('hashes with the default scrypt parameters in the self-describing form, and verifies', async () => {
    const hash = await hashPassword('pa55word');
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('pa55word', hash)).toBe(true);
    expect(await verifyPassword('pa55worD', hash)).toBe(false);
    expect(await hashPassword('pa55word', CHEAP)).not.toBe(await hashPassword('pa55word', CHEAP)); // salted
  });

  it('refuses hashes with unbounded parameters instead of burning memory', async () => {
    await expect(verifyPassword('x', `scrypt$${2 ** 24}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`)).rejects.toMatchObject({ code: 'ERR_PASSWORD_HASH' });
    await expect(verifyPassword('x', 'plain-text')).rejects.toMatchObject({ code: 'ERR_PASSWORD_HASH' });
  });

  it('rejects a users file with a bad entry, naming the entry and not the hash', () => {
    const bad = JSON.stringify({ users: [{ sub: 's', username: 'u', passwordHash: 'md5$abc' }] });
    expect(() => parseUsersFile(bad)).toThrow(expect.objectContaining({ code: 'ERR_USERS_FILE', details: expect.objectContaining({ pointer: '/users/0/passwordHash' }) }));
    let message = '';
    try {
      parseUsersFile(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('passwordHash');
    expect(message).not.toContain('md5$abc');
    expect(() => parseUsersFile('{"users": {}}')).toThrow(expect.objectContaining({ code: 'ERR_USERS_FILE' }));
  });

  it('finds users by sub too', async () => {
    expect(await (users as FileUserStore).findBySub('u-bob')).toMatchObject({ username: 'Bob' });
    expect(await (users as FileUserStore).findBySub('u-nobody')).toBeUndefined();
  });
});
