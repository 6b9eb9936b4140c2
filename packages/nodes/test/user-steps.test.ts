import * as jest from '@jest/globals';
import { describe, it, expect } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { callbacks, type UserStore } from '@waymark/sdk';
import {
  MemoryUserStore,
  accountLockout,
  attributesCollect,
  credentialsPassword,
  credentialsUsername,
  credentialsVerify,
  hashPassword,
  loginCount,
  retryLimit,
  termsAccept,
  userCreate,
  userIdentify,
  userUpdate,
  verifyPassword,
} from '@waymark/nodes';
import { answerCallbacks, runNode, testClock, testNodeConfigs } from '@waymark/testing';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

async function directory(): Promise<MemoryUserStore> {
  return new MemoryUserStore([
    {
      sub: 'u-alice',
      username: 'alice',
      passwordHash: await hashPassword('alice password', CHEAP),
      attributes: { mail: 'alice@example.com', age: 40 },
    },
  ]);
}

/** A store that can only look up by username: what a read-only directory offers. */
const readOnly = (store: UserStore): UserStore => ({ findByUsername: (u) => store.findByUsername(u) });

describe('credentials.username', () => {
  it('asks with a NameCallback, prefilled with the username state holds', async () => {
    const r = await runNode(credentialsUsername, { state: { username: 'alice' } });
    expect(r.callbacks!.map((c) => c.type)).toEqual(['NameCallback']);
    expect(r.callbacks![0]!.input[0]!.value).toBe('alice');
  });

  it('collected: keeps the trimmed username in state', async () => {
    const asked = await runNode(credentialsUsername);
    const r = await runNode(credentialsUsername, { submit: answerCallbacks(asked.callbacks!, ['  bob ']) });
    expect(r.outcome).toBe('collected');
    expect(r.state).toEqual({ username: 'bob' });
  });

  it.each([[''], ['   '], ['x'.repeat(257)], [42]])('asks again with an error for %j', async (answer) => {
    const asked = await runNode(credentialsUsername);
    const submit = answerCallbacks(asked.callbacks!, [answer as string]);
    const r = await runNode(credentialsUsername, { submit });
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'NameCallback']);
    expect(r.state).toEqual({});
  });
});

describe('credentials.password', () => {
  it('collected: the password goes to secrets only, never state or logs', async () => {
    const asked = await runNode(credentialsPassword);
    expect(asked.callbacks!.map((c) => c.type)).toEqual(['PasswordCallback']);
    const r = await runNode(credentialsPassword, { submit: answerCallbacks(asked.callbacks!, ['s3cret pass']) });
    expect(r.outcome).toBe('collected');
    expect(r.secrets).toEqual({ password: 's3cret pass' });
    expect(JSON.stringify([r.state, r.logs, r.callbacks])).not.toContain('s3cret');
  });

  it.each([[''], ['x'.repeat(1025)]])('asks again for %j', async (answer) => {
    const asked = await runNode(credentialsPassword);
    const r = await runNode(credentialsPassword, { submit: answerCallbacks(asked.callbacks!, [answer]) });
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'PasswordCallback']);
    expect(r.secrets).toEqual({});
  });

  it('says why it asks again after credentials.verify refused the last attempt', async () => {
    const r = await runNode(credentialsPassword, { secrets: { refused: 'bad_credentials' } });
    expect(r.callbacks!.map((c) => c.type)).toEqual(['TextOutputCallback', 'PasswordCallback']);
    expect(r.secrets).toEqual({});
  });
});

describe('user.identify', () => {
  it('found: by username (any case), sets sub and the canonical username', async () => {
    const r = await runNode(userIdentify, { state: { username: 'ALICE' }, services: { users: await directory() } });
    expect(r.outcome).toBe('found');
    expect(r.state).toEqual({ username: 'alice', sub: 'u-alice' });
  });

  it('found: by an attribute, from another ref', async () => {
    const r = await runNode(userIdentify, {
      config: { attribute: 'mail', from: 'params.login_hint' },
      params: { login_hint: 'alice@example.com' },
      services: { users: await directory() },
    });
    expect(r.outcome).toBe('found');
    expect(r.state.sub).toBe('u-alice');
  });

  it('found: by sub', async () => {
    const r = await runNode(userIdentify, {
      config: { attribute: 'sub', from: 'state.hint' },
      state: { hint: 'u-alice' },
      services: { users: await directory() },
    });
    expect(r.outcome).toBe('found');
  });

  it('notFound: an unknown user, and no value at all', async () => {
    const users = await directory();
    expect(await runNode(userIdentify, { state: { username: 'mallory' }, services: { users } })).toMatchObject({
      outcome: 'notFound',
      reason: 'unknown_user',
    });
    const none = await runNode(userIdentify, { services: { users } });
    expect(none).toMatchObject({ outcome: 'notFound', reason: 'no_value' });
    expect(none.state).toEqual({});
    expect(await runNode(userIdentify, { state: { username: { a: 1 } }, services: { users } })).toMatchObject({
      outcome: 'notFound',
      reason: 'no_value',
    });
  });

  it('a store without findByAttribute: ERR_USER_STORE_CAPABILITY naming the node and the fix', async () => {
    const r = await runNode(userIdentify, {
      config: { attribute: 'mail' },
      state: { username: 'x' },
      services: { users: readOnly(await directory()) },
    });
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({
      code: 'ERR_USER_STORE_CAPABILITY',
      message: expect.stringMatching(/user\.identify needs a user store with findByAttribute\(\).*MemoryUserStore/),
    });
  });

  it('no store at all: ERR_NO_USER_STORE', async () => {
    const r = await runNode(userIdentify, { state: { username: 'alice' } });
    expect(r.error).toMatchObject({ code: 'ERR_NO_USER_STORE' });
  });
});

testNodeConfigs(
  userIdentify,
  {
    valid: [{}, { attribute: 'mail', from: 'state.attributes.mail' }, { from: 'params.login_hint' }],
    invalid: [
      { config: { from: 'secrets.password' }, pointer: '/from' },
      { config: { from: 'state.__proto__.x' }, pointer: '/from' },
      { config: { attribute: '' }, pointer: '/attribute' },
      { config: { extra: 1 }, pointer: '/extra' },
    ],
  },
  jest,
);

const MAIL = { name: 'mail', type: 'string', prompt: 'Email', required: true, pattern: '[^@\\s]+@[^@\\s]+', maxLength: 100 };
const AGE = { name: 'age', type: 'number', prompt: 'Age', minimum: 13, maximum: 130 };
const NEWS = { name: 'newsletter', type: 'boolean', prompt: 'Send me news' };
const ATTRS = { attributes: [MAIL, AGE, NEWS] };

describe('attributes.collect', () => {
  it('asks with one attribute callback per attribute, policies shown, known values offered', async () => {
    const r = await runNode(attributesCollect, { config: ATTRS, state: { attributes: { mail: 'old@example.com' } } });
    expect(r.callbacks!.map((c) => c.type)).toEqual([
      'StringAttributeInputCallback',
      'NumberAttributeInputCallback',
      'BooleanAttributeInputCallback',
    ]);
    const mail = r.callbacks![0]!;
    expect(mail.output).toEqual(
      expect.arrayContaining([
        { name: 'name', value: 'mail' },
        { name: 'prompt', value: 'Email' },
        { name: 'required', value: true },
        { name: 'policies', value: { pattern: MAIL.pattern, maxLength: 100 } },
        { name: 'value', value: 'old@example.com' },
      ]),
    );
  });

  it('collected: typed values merged into state.attributes (strings from a form too)', async () => {
    const asked = await runNode(attributesCollect, { config: ATTRS });
    const r = await runNode(attributesCollect, {
      config: ATTRS,
      state: { attributes: { givenName: 'Ada' } },
      submit: answerCallbacks(asked.callbacks!, [' ada@example.com ', '36', 'true']),
    });
    expect(r.outcome).toBe('collected');
    expect(r.state).toEqual({ attributes: { givenName: 'Ada', mail: 'ada@example.com', age: 36, newsletter: true } });
  });

  it('collected: into another target; an optional attribute left empty is not set', async () => {
    const config = { attributes: [MAIL, AGE], target: 'profile.data' };
    const asked = await runNode(attributesCollect, { config });
    const r = await runNode(attributesCollect, { config, submit: answerCallbacks(asked.callbacks!, ['ada@example.com', null]) });
    expect(r.outcome).toBe('collected');
    expect(r.state).toEqual({ profile: { data: { mail: 'ada@example.com' } } });
  });

  it('collected: a nested attribute as AIC names it ("preferences/marketing") is one key of the target', async () => {
    const config = { attributes: [{ name: 'preferences/marketing', type: 'boolean', prompt: 'Send me offers' }] } as const;
    const asked = await runNode(attributesCollect, { config });
    const r = await runNode(attributesCollect, { config, submit: answerCallbacks(asked.callbacks!, [true]) });
    expect(r.outcome).toBe('collected');
    expect(r.state).toEqual({ attributes: { 'preferences/marketing': true } });
  });

  it.each([
    ['a missing required value', ['', 20, false], 0, { policyRequirement: 'REQUIRED' }],
    ['a pattern mismatch', ['not-an-email', 20, false], 0, { policyRequirement: 'MATCH_REGEXP', params: { regexp: MAIL.pattern } }],
    ['a string too long', [`${'a'.repeat(100)}@x`, 20, false], 0, { policyRequirement: 'MAX_LENGTH', params: { maxLength: 100 } }],
    ['a number too small', ['a@b', 5, false], 1, { policyRequirement: 'MINIMUM_NUMBER_VALUE', params: { minimum: 13 } }],
    ['a number too large', ['a@b', 500, false], 1, { policyRequirement: 'MAXIMUM_NUMBER_VALUE', params: { maximum: 130 } }],
    ['a number that is not one', ['a@b', 'twelve', false], 1, { policyRequirement: 'VALID_TYPE', params: { validTypes: ['number'] } }],
    ['a boolean that is not one', ['a@b', 20, 'maybe'], 2, { policyRequirement: 'VALID_TYPE', params: { validTypes: ['boolean'] } }],
  ])('re-asks with failedPolicies for %s, the other answers kept', async (_name, answers, at, failed) => {
    const asked = await runNode(attributesCollect, { config: ATTRS });
    const r = await runNode(attributesCollect, {
      config: ATTRS,
      submit: answerCallbacks(asked.callbacks!, answers as (string | number | boolean)[]),
    });
    expect(r.outcome).toBeUndefined();
    expect(r.state).toEqual({});
    const failedPolicies = r.callbacks!.map((c) => c.output.find((f) => f.name === 'failedPolicies')!.value as string[]);
    expect(failedPolicies[at]!.map((p) => JSON.parse(p) as unknown)).toEqual([failed]);
    expect(failedPolicies.filter((f, i) => i !== at && f.length > 0)).toEqual([]);
    if (at !== 0) expect(r.callbacks![0]!.input[0]!.value).toBe('a@b');
  });

  it('a required boolean must be true (a consent)', async () => {
    const config = { attributes: [{ name: 'consent', type: 'boolean', required: true }] };
    const asked = await runNode(attributesCollect, { config });
    const no = await runNode(attributesCollect, { config, submit: answerCallbacks(asked.callbacks!, [false]) });
    expect(no.outcome).toBeUndefined();
    const yes = await runNode(attributesCollect, { config, submit: answerCallbacks(asked.callbacks!, [true]) });
    expect(yes.state).toEqual({ attributes: { consent: true } });
  });

  it('a target that holds something else than an object: ERR_NODE_STATE naming it', async () => {
    const r = await runNode(attributesCollect, { config: ATTRS, state: { attributes: 'text' } });
    expect(r.error).toMatchObject({ code: 'ERR_NODE_STATE', message: expect.stringContaining('"attributes"') });
  });
});

testNodeConfigs(
  attributesCollect,
  {
    valid: [ATTRS, { attributes: [{ name: 'x', type: 'string' }], target: 'state.profile' }],
    invalid: [
      { config: {}, pointer: '/attributes' },
      { config: { attributes: [] }, pointer: '/attributes' },
      { config: { attributes: [{ name: 'x', type: 'date' }] }, pointer: '/attributes/0/type' },
      { config: { attributes: [{ name: '__proto__', type: 'string' }] }, pointer: '/attributes/0/name' },
      { config: { attributes: [{ name: 'x', type: 'string', pattern: '(a+)+$' }] }, pointer: '/attributes/0/pattern' },
      { config: { attributes: [{ name: 'x', type: 'string', pattern: '([' }] }, pointer: '/attributes/0/pattern' },
      { config: { attributes: [{ name: 'x', type: 'string' }], target: 'a..b' }, pointer: '/target' },
    ],
  },
  jest,
);

describe('terms.accept', () => {
  const config = { terms: 'Be nice.', version: '3' };
  it('asks with a TermsAndConditionsCallback carrying the terms and version', async () => {
    const r = await runNode(termsAccept, { config });
    expect(r.callbacks).toEqual([callbacks.termsAndConditions('Be nice.', '3', '')]);
  });

  it('accepted: records the version and the time', async () => {
    const clock = testClock(Date.UTC(2026, 0, 2));
    const asked = await runNode(termsAccept, { config });
    const r = await runNode(termsAccept, { config, clock, submit: answerCallbacks(asked.callbacks!, [true]) });
    expect(r.outcome).toBe('accepted');
    expect(r.state).toEqual({ termsAccepted: { version: '3', acceptedAt: '2026-01-02T00:00:00.000Z' } });
  });

  it.each([[false], ['yes'], [null]])('declined for %j, nothing recorded', async (answer) => {
    const asked = await runNode(termsAccept, { config });
    const r = await runNode(termsAccept, { config, submit: answerCallbacks(asked.callbacks!, [answer]) });
    expect(r).toMatchObject({ outcome: 'declined', reason: 'declined' });
    expect(r.state).toEqual({});
  });
});

testNodeConfigs(
  termsAccept,
  {
    valid: [{ terms: 't' }],
    invalid: [
      { config: {}, pointer: '/terms' },
      { config: { terms: '' }, pointer: '/terms' },
    ],
  },
  jest,
);

describe('user.create', () => {
  it('created: username, attributes and a scrypt hash of the collected password; the password leaves secrets', async () => {
    const users = await directory();
    const r = await runNode(userCreate, {
      state: { username: 'bob', attributes: { mail: 'bob@example.com' } },
      secrets: { password: 'bob password' },
      services: { users },
    });
    expect(r.outcome).toBe('created');
    expect(r.secrets).toEqual({});
    const bob = (await users.findByUsername('bob'))!;
    expect(r.state).toEqual({ username: 'bob', sub: bob.sub, attributes: { mail: 'bob@example.com' } });
    expect(bob.attributes).toEqual({ mail: 'bob@example.com' });
    expect(await verifyPassword('bob password', bob.passwordHash!)).toBe(true);
    expect(JSON.stringify([r.state, r.logs])).not.toContain('bob password');
  });

  it('created: without a password, from another state path', async () => {
    const users = await directory();
    const r = await runNode(userCreate, {
      config: { from: 'profile', username: 'state.login' },
      state: { login: 'carol', profile: { age: 3 } },
      services: { users },
    });
    expect(r.outcome).toBe('created');
    expect(await users.findByUsername('carol')).toMatchObject({ attributes: { age: 3 } });
    expect((await users.findByUsername('carol'))!.passwordHash).toBeUndefined();
  });

  it('conflict: the username is taken (any case); nothing changes', async () => {
    const users = await directory();
    const r = await runNode(userCreate, { state: { username: 'ALICE' }, secrets: { password: 'x' }, services: { users } });
    expect(r).toMatchObject({ outcome: 'conflict', reason: 'username_taken' });
    expect(r.state.sub).toBeUndefined();
    expect(r.secrets).toEqual({});
  });

  it('no username: ERR_NODE_STATE naming the ref; attributes not an object: ERR_NODE_STATE naming the path', async () => {
    const users = await directory();
    expect((await runNode(userCreate, { services: { users } })).error).toMatchObject({
      code: 'ERR_NODE_STATE',
      message: expect.stringContaining('state.username'),
    });
    expect((await runNode(userCreate, { state: { username: 'x', attributes: [1] }, services: { users } })).error).toMatchObject({
      code: 'ERR_NODE_STATE',
      message: expect.stringContaining('"attributes"'),
    });
  });

  it('a store without create(): ERR_USER_STORE_CAPABILITY naming user.create and the fix', async () => {
    const r = await runNode(userCreate, { state: { username: 'bob' }, services: { users: readOnly(await directory()) } });
    expect(r.error).toMatchObject({ code: 'ERR_USER_STORE_CAPABILITY', details: { node: 'user.create', method: 'create' } });
  });

  it('shares the credentials secret namespace (where credentials.password keeps the password)', () => {
    expect(userCreate.secretNamespace).toBe('credentials');
    expect(userUpdate.secretNamespace).toBe('credentials');
  });
});

describe('user.update', () => {
  it('updated: attributes merged (null removes)', async () => {
    const users = await directory();
    const r = await runNode(userUpdate, {
      state: { sub: 'u-alice', attributes: { mail: 'new@example.com', age: null } },
      services: { users },
    });
    expect(r.outcome).toBe('updated');
    expect((await users.findBySub('u-alice'))!.attributes).toEqual({ mail: 'new@example.com' });
  });

  it('updated: with password true, the collected password replaces the old one and leaves secrets', async () => {
    const users = await directory();
    const r = await runNode(userUpdate, {
      config: { password: true },
      state: { sub: 'u-alice' },
      secrets: { password: 'new password' },
      services: { users },
    });
    expect(r.outcome).toBe('updated');
    expect(r.secrets).toEqual({});
    expect(await verifyPassword('new password', (await users.findBySub('u-alice'))!.passwordHash!)).toBe(true);
  });

  it('leaves the password alone without password: true', async () => {
    const users = await directory();
    await runNode(userUpdate, { state: { sub: 'u-alice' }, secrets: { password: 'new password' }, services: { users } });
    expect(await verifyPassword('alice password', (await users.findBySub('u-alice'))!.passwordHash!)).toBe(true);
  });

  it('notFound: an unknown sub, and no sub at all', async () => {
    const users = await directory();
    expect(await runNode(userUpdate, { state: { sub: 'u-nobody' }, services: { users } })).toMatchObject({
      outcome: 'notFound',
      reason: 'unknown_user',
    });
    expect(await runNode(userUpdate, { services: { users } })).toMatchObject({ outcome: 'notFound', reason: 'no_subject' });
  });

  it('a store without update(): ERR_USER_STORE_CAPABILITY', async () => {
    const r = await runNode(userUpdate, { state: { sub: 'u-alice' }, services: { users: readOnly(await directory()) } });
    expect(r.error).toMatchObject({ code: 'ERR_USER_STORE_CAPABILITY', details: { node: 'user.update' } });
  });
});

describe('login.count', () => {
  it('done: counts each login and records its time (the injected clock)', async () => {
    const users = await directory();
    const clock = testClock(1_800_000_000_000);
    expect(await runNode(loginCount, { state: { sub: 'u-alice' }, services: { users }, clock })).toMatchObject({
      outcome: 'done',
      state: { loginCount: 1 },
    });
    clock.advance(1000);
    expect((await runNode(loginCount, { state: { sub: 'u-alice' }, services: { users }, clock })).state.loginCount).toBe(2);
    expect(await users.findBySub('u-alice')).toMatchObject({ loginCount: 2, lastLoginAt: 1_800_000_001_000 });
  });

  it('done with reason unknown_user for an unknown sub; no sub: ERR_NODE_STATE', async () => {
    const users = await directory();
    expect(await runNode(loginCount, { state: { sub: 'u-x' }, services: { users } })).toMatchObject({
      outcome: 'done',
      reason: 'unknown_user',
    });
    expect((await runNode(loginCount, { services: { users } })).error).toMatchObject({ code: 'ERR_NODE_STATE' });
  });

  it('a store without recordLogin(): ERR_USER_STORE_CAPABILITY', async () => {
    const r = await runNode(loginCount, { state: { sub: 'u-alice' }, services: { users: readOnly(await directory()) } });
    expect(r.error).toMatchObject({ code: 'ERR_USER_STORE_CAPABILITY', details: { node: 'login.count' } });
  });
});

describe('retry.limit', () => {
  it('retry for the first limit visits, then reject; counted per key in state', async () => {
    let state = {};
    const outcomes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await runNode(retryLimit, { config: { limit: 2, key: 'pw' }, state });
      outcomes.push(r.outcome);
      state = r.state;
    }
    expect(outcomes).toEqual(['retry', 'retry', 'reject', 'reject']);
    expect(state).toEqual({ retries: { pw: 4 } });
  });

  it('keys default to the node id, so two nodes count apart', async () => {
    const r = await runNode(retryLimit, { config: { limit: 1 }, state: { retries: { other: 5 } } });
    expect(r.outcome).toBe('retry');
    expect(Object.keys(r.state.retries as object)).toHaveLength(2);
  });

  it('ignores a malformed counter in state (starts again)', async () => {
    const r = await runNode(retryLimit, { config: { limit: 1, key: 'k' }, state: { retries: 'x' } });
    expect(r.outcome).toBe('retry');
  });
});

testNodeConfigs(
  retryLimit,
  {
    valid: [{}, { limit: 5, key: 'password' }],
    invalid: [
      { config: { limit: 0 }, pointer: '/limit' },
      { config: { key: '__proto__' }, pointer: '/key' },
      { config: { key: 'a b' }, pointer: '/key' },
    ],
  },
  jest,
);

describe('account.lockout', () => {
  it('done: locks the user; credentials.verify then answers locked for the right password only', async () => {
    const users = await directory();
    const stores = createMemoryStores(testClock());
    expect(await runNode(accountLockout, { state: { sub: 'u-alice' }, services: { users } })).toMatchObject({
      outcome: 'done',
      reason: 'locked',
    });
    expect((await users.findBySub('u-alice'))!.locked).toBe(true);
    const verify = (password: string) =>
      runNode(credentialsVerify, { state: { username: 'alice' }, secrets: { password }, services: { users }, stores });
    expect(await verify('alice password')).toMatchObject({ outcome: 'locked', reason: 'account_locked' });
    expect(await verify('wrong')).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
  });

  it('done: unlocks, and clears the failure count credentials.verify keeps for the username', async () => {
    const users = await directory();
    const stores = createMemoryStores(testClock());
    await users.setLocked('u-alice', true);
    await stores.counters.increment('credentials:failures:alice', 900);
    const r = await runNode(accountLockout, {
      config: { lock: false },
      state: { sub: 'u-alice', username: 'alice' },
      services: { users },
      stores,
    });
    expect(r).toMatchObject({ outcome: 'done', reason: 'unlocked' });
    expect((await users.findBySub('u-alice'))!.locked).toBe(false);
    expect(await stores.counters.get('credentials:failures:alice')).toBe(0);
    const ok = await runNode(credentialsVerify, {
      state: { username: 'alice' },
      secrets: { password: 'alice password' },
      services: { users },
      stores,
    });
    expect(ok.outcome).toBe('valid');
  });

  it('done with reason unknown_user for an unknown sub; no sub: ERR_NODE_STATE; a store without setLocked(): ERR_USER_STORE_CAPABILITY', async () => {
    const users = await directory();
    expect(await runNode(accountLockout, { state: { sub: 'u-x' }, services: { users } })).toMatchObject({
      outcome: 'done',
      reason: 'unknown_user',
    });
    expect((await runNode(accountLockout, { services: { users } })).error).toMatchObject({ code: 'ERR_NODE_STATE' });
    expect((await runNode(accountLockout, { state: { sub: 'u-alice' }, services: { users: readOnly(users) } })).error).toMatchObject({
      code: 'ERR_USER_STORE_CAPABILITY',
      details: { node: 'account.lockout', method: 'setLocked' },
    });
  });
});

describe('credentials.verify with the new store fields', () => {
  it('a user registered without a password is never valid', async () => {
    const users = new MemoryUserStore([{ sub: 'u-n', username: 'nopass', attributes: {} }]);
    const r = await runNode(credentialsVerify, { state: { username: 'nopass' }, secrets: { password: 'anything' }, services: { users } });
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'bad_credentials' });
  });
});
