import assert from 'node:assert/strict';
import type { UserStore } from '@waymark/sdk';
import type { ControlStoreSubject } from './control-store-conformance.js';
import { testFunctions, type TestRunner } from './test-runner.js';

/** A hash in the `scrypt$N$r$p$salt$hash` form (a file store checks the form); no password matches it. */
const HASH = `scrypt$1024$8$1$${'A'.repeat(22)}$${'B'.repeat(43)}`;
const CONCURRENCY = 20;

/**
 * The UserStore conformance suite, for a store with every optional method: case-insensitive
 * usernames, `create` that refuses a taken username or sub (of concurrent creates of one name,
 * exactly one wins), `findByAttribute`, `update` (merge, `null` removes), `setLocked`,
 * `recordLogin` (concurrent logins all count) and copies (changing a returned record changes
 * nothing stored). `factory` gives a fresh, empty store before each test.
 *
 * @example
 * import * as jest from '@jest/globals';
 * userStoreConformance('memory', async () => ({ store: new MemoryUserStore(), cleanup: async () => {} }), jest);
 */
export function userStoreConformance(name: string, factory: () => Promise<ControlStoreSubject<UserStore>>, runner?: TestRunner): void {
  const { describe, it, beforeEach, afterEach } = testFunctions(
    runner,
    ['describe', 'it', 'beforeEach', 'afterEach'],
    'userStoreConformance(name, factory, { describe, it, beforeEach, afterEach })',
  );
  describe(`user store conformance: ${name}`, () => {
    let subject: ControlStoreSubject<UserStore> | undefined;
    let store: Required<UserStore>;
    const instance = (i: number): Required<UserStore> => {
      const all = [store, ...((subject?.peers ?? []) as Required<UserStore>[])];
      return all[i % all.length]!;
    };
    beforeEach(async () => {
      subject = await factory();
      for (const m of ['findBySub', 'findByAttribute', 'create', 'update', 'setLocked', 'recordLogin'] as const)
        assert.equal(typeof subject.store[m], 'function', `the store lacks ${m}(): this suite is for stores with every method`);
      store = subject.store as Required<UserStore>;
    });
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('creates a user and finds it by username (any case), sub and attribute', async () => {
      const created = await store.create({
        username: 'Alice',
        passwordHash: HASH,
        attributes: { mail: 'alice@example.com', age: 42, admin: false },
      });
      assert.ok(created && typeof created.sub === 'string' && created.sub !== '');
      assert.equal(created.username, 'Alice');
      assert.deepEqual((await store.findByUsername('ALICE'))?.sub, created.sub);
      assert.equal((await store.findBySub(created.sub))?.passwordHash, HASH);
      assert.equal((await store.findByAttribute('mail', 'alice@example.com'))?.sub, created.sub);
      assert.equal((await store.findByAttribute('age', 42))?.sub, created.sub);
      assert.equal((await store.findByAttribute('admin', false))?.sub, created.sub);
      assert.equal((await store.findByAttribute('username', 'alice'))?.sub, created.sub);
      assert.equal(await store.findByAttribute('mail', 'bob@example.com'), undefined);
      assert.equal(await store.findByAttribute('age', '42'), undefined, 'a number is not its string');
      assert.equal(await store.findByUsername('bob'), undefined);
      assert.equal(await store.findBySub('nobody'), undefined);
    });

    it('keeps a given sub and creates a user without a password', async () => {
      const created = await store.create({ sub: 'u-given', username: 'nopass' });
      assert.equal(created?.sub, 'u-given');
      const found = await store.findBySub('u-given');
      assert.equal(found?.passwordHash, undefined);
      assert.deepEqual(found?.attributes, {});
    });

    it('refuses a taken username (any case) and a taken sub', async () => {
      assert.ok(await store.create({ sub: 'u-1', username: 'carol' }));
      assert.equal(await store.create({ username: 'CAROL' }), undefined);
      assert.equal(await store.create({ sub: 'u-1', username: 'dave' }), undefined);
      assert.equal(await store.findByUsername('dave'), undefined);
    });

    it(`of ${CONCURRENCY} concurrent creates of one username, exactly one wins`, async () => {
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).create({ username: 'race', attributes: { i } })),
      );
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.equal((await store.findByUsername('race'))?.sub, winners[0]!.sub);
    });

    it('updates attributes (merge; null removes) and the password; unknown subs are undefined', async () => {
      const u = (await store.create({ username: 'erin', attributes: { mail: 'old@example.com', city: 'Oslo' } }))!;
      const updated = await store.update(u.sub, { attributes: { mail: 'new@example.com', city: null, age: 30 }, passwordHash: HASH });
      assert.deepEqual(updated?.attributes, { mail: 'new@example.com', age: 30 });
      const found = await store.findBySub(u.sub);
      assert.deepEqual(found?.attributes, { mail: 'new@example.com', age: 30 });
      assert.equal(found?.passwordHash, HASH);
      assert.equal(found?.username, 'erin');
      assert.equal((await store.findByAttribute('mail', 'new@example.com'))?.sub, u.sub);
      assert.equal(await store.findByAttribute('mail', 'old@example.com'), undefined, 'the old value no longer finds the user');
      assert.equal(await store.findByAttribute('city', 'Oslo'), undefined);
      assert.equal(await store.update('nobody', { attributes: { a: 1 } }), undefined);
    });

    it('locks and unlocks; unknown subs are false', async () => {
      const u = (await store.create({ username: 'frank' }))!;
      assert.equal(await store.setLocked(u.sub, true), true);
      assert.equal((await store.findByUsername('frank'))?.locked, true);
      assert.equal(await store.setLocked(u.sub, false), true);
      assert.notEqual((await store.findByUsername('frank'))?.locked, true);
      assert.equal(await store.setLocked('nobody', true), false);
    });

    it(`counts ${CONCURRENCY} concurrent logins, every one, and keeps the last time`, async () => {
      const u = (await store.create({ username: 'grace' }))!;
      const counts = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).recordLogin(u.sub, 1_700_000_000_000 + i)),
      );
      assert.deepEqual(
        [...counts].sort((a, b) => a! - b!),
        Array.from({ length: CONCURRENCY }, (_, i) => i + 1),
      );
      const found = await store.findBySub(u.sub);
      assert.equal(found?.loginCount, CONCURRENCY);
      assert.ok(typeof found?.lastLoginAt === 'number' && found.lastLoginAt >= 1_700_000_000_000);
      assert.equal(await store.recordLogin('nobody', 1), undefined);
    });

    it('gives copies: changing a returned record changes nothing stored', async () => {
      const created = (await store.create({ username: 'heidi', attributes: { tags: ['a'] } }))!;
      created.attributes.tags = ['changed'];
      const found = (await store.findByUsername('heidi'))!;
      assert.deepEqual(found.attributes, { tags: ['a'] });
      found.username = 'mallory';
      (found.attributes.tags as string[]).push('b');
      assert.deepEqual((await store.findBySub(created.sub))?.attributes, { tags: ['a'] });
      assert.equal((await store.findBySub(created.sub))?.username, 'heidi');
    });

    it('a change of one user leaves the others as they were', async () => {
      const a = (await store.create({ username: 'ivan', attributes: { mail: 'shared@example.com' } }))!;
      const b = (await store.create({ username: 'judy', attributes: { mail: 'other@example.com' } }))!;
      await store.update(a.sub, { attributes: { mail: 'ivan@example.com' } });
      await store.setLocked(a.sub, true);
      const judy = await store.findBySub(b.sub);
      assert.deepEqual(judy?.attributes, { mail: 'other@example.com' });
      assert.notEqual(judy?.locked, true);
    });
  });
}
