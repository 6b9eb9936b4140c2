import assert from 'node:assert/strict';
import type { ClientRecord, ClientStore, FlowStore, FlowVersionRecord, JsonObject } from '@waymark/sdk';
import { testFunctions, type TestRunner } from './test-runner.js';

/** What a control-store suite runs against: a fresh, empty store for one test. */
export interface ControlStoreSubject<S> {
  store: S;
  /**
   * Other instances over the same backing data (other processes), when the implementation has
   * such a thing. Concurrency tests spread their calls over all of them, and the change
   * notification test writes through one and listens on another.
   */
  peers?: S[];
  /** Removes what the test wrote (called after each test, even a failed one). */
  cleanup(): Promise<void>;
}

const CONCURRENCY = 20;
/** How long a change notification may take to arrive (pub/sub across connections). */
const NOTIFY_WITHIN_MS = 2000;

/** Resolves on the listener's first call after `subscribe`; rejects after `NOTIFY_WITHIN_MS`. */
async function notified(subscribe: (listener: () => void) => Promise<() => Promise<void>>, change: () => Promise<unknown>): Promise<void> {
  let resolveCalled!: () => void;
  const called = new Promise<void>((resolve) => (resolveCalled = resolve));
  const unsubscribe = await subscribe(() => resolveCalled());
  let timer: NodeJS.Timeout | undefined;
  try {
    await change();
    await Promise.race([
      called,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no change notification within ${NOTIFY_WITHIN_MS} ms`)), NOTIFY_WITHIN_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await unsubscribe();
  }
}

function flowJson(id: string, version: number, marker = 'a'): JsonObject {
  return {
    id,
    version,
    description: `flow ${id} v${version} (${marker})`,
    start: 'show',
    nodes: { show: { type: 'message', config: { text: marker }, outcomes: { done: 'success' } } },
  };
}

function versionRecord(id: string, version: number, marker = 'a', savedBy = 'admin-1'): FlowVersionRecord {
  return { id, version, flow: flowJson(id, version, marker), savedAt: 1_700_000_000_000 + version, savedBy };
}

/**
 * The FlowStore conformance suite: compare-and-set saves (of concurrent saves from one read,
 * exactly one wins), immutable versions, activate and roll back, a revision that changes on
 * every change (and on nothing else), change notification when offered. `factory` is called
 * before each test and must give a fresh, empty store.
 *
 * @example
 * import * as jest from '@jest/globals';
 * flowStoreConformance('memory', async () => ({ store: new MemoryFlowStore(), cleanup: async () => {} }), jest);
 */
export function flowStoreConformance(name: string, factory: () => Promise<ControlStoreSubject<FlowStore>>, runner?: TestRunner): void {
  const { describe, it, beforeEach, afterEach } = testFunctions(
    runner,
    ['describe', 'it', 'beforeEach', 'afterEach'],
    'flowStoreConformance(name, factory, { describe, it, beforeEach, afterEach })',
  );
  describe(`flow store conformance: ${name}`, () => {
    let subject: ControlStoreSubject<FlowStore> | undefined;
    let store: FlowStore;
    const instance = (i: number): FlowStore => {
      const all = [store, ...(subject?.peers ?? [])];
      return all[i % all.length]!;
    };
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.cleanup();
    });

    it('an empty store lists nothing and knows no flow', async () => {
      assert.deepEqual(await store.list(), []);
      assert.equal(await store.entry('login'), undefined);
      assert.equal(await store.getVersion('login', 1), undefined);
    });

    it('the first save (expected latest null) creates the flow, active at that version, and reads back exactly', async () => {
      const record = versionRecord('login', 1);
      assert.equal(await store.saveVersion(record, null), true);
      assert.deepEqual(await store.getVersion('login', 1), record);
      assert.deepEqual(await store.entry('login'), {
        id: 'login',
        versions: [1],
        activeVersion: 1,
        updatedAt: record.savedAt,
        updatedBy: 'admin-1',
      });
      assert.deepEqual(await store.list(), [await store.entry('login')]);
    });

    it('a first save is active even when asked not to activate (a flow always has an active version)', async () => {
      assert.equal(await store.saveVersion(versionRecord('login', 1), null, { activate: false }), true);
      assert.equal((await store.entry('login'))?.activeVersion, 1);
    });

    it('a save expecting null fails when the id exists; the stored flow is left alone', async () => {
      await store.saveVersion(versionRecord('login', 1, 'first'), null);
      assert.equal(await store.saveVersion(versionRecord('login', 2, 'second'), null), false);
      assert.deepEqual((await store.entry('login'))?.versions, [1]);
    });

    it('a save from a stale read, or of a version not above the latest, fails', async () => {
      await store.saveVersion(versionRecord('login', 1), null);
      await store.saveVersion(versionRecord('login', 2), 1);
      assert.equal(await store.saveVersion(versionRecord('login', 3), 1), false, 'stale expected latest');
      assert.equal(await store.saveVersion(versionRecord('login', 2, 'other'), 2), false, 'version not above the latest');
      assert.equal(await store.saveVersion(versionRecord('login', 1, 'other'), 2), false, 'an earlier version');
      assert.deepEqual((await store.entry('login'))?.versions, [1, 2]);
    });

    it('of concurrent saves from the same read, exactly one wins, and the stored version is the winner', async () => {
      await store.saveVersion(versionRecord('login', 1), null);
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).saveVersion(versionRecord('login', 2, `racer-${i}`), 1)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.deepEqual((await store.getVersion('login', 2))?.flow, flowJson('login', 2, `racer-${winner}`));
      assert.deepEqual((await store.entry('login'))?.versions, [1, 2]);
    });

    it('of concurrent first saves of a new id, exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).saveVersion(versionRecord('new', 1, `racer-${i}`), null)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('versions are immutable: later saves leave earlier versions as they were, and changing a returned copy changes nothing', async () => {
      const v1 = versionRecord('login', 1, 'one');
      await store.saveVersion(v1, null);
      await store.saveVersion(versionRecord('login', 2, 'two'), 1);
      assert.deepEqual(await store.getVersion('login', 1), v1);
      const read = (await store.getVersion('login', 1))!;
      (read.flow as { description: string }).description = 'changed by a caller';
      v1.flow.description = 'changed by the writer';
      assert.deepEqual((await store.getVersion('login', 1))?.flow, flowJson('login', 1, 'one'));
    });

    it('a save with activate: false keeps the active version; activate makes it active; activate rolls back', async () => {
      await store.saveVersion(versionRecord('login', 1), null);
      assert.equal(await store.saveVersion(versionRecord('login', 2), 1, { activate: false }), true);
      assert.equal((await store.entry('login'))?.activeVersion, 1);
      assert.equal(await store.activate('login', 2, 'admin-2', 1_800_000_000_000), true);
      assert.deepEqual(await store.entry('login'), {
        id: 'login',
        versions: [1, 2],
        activeVersion: 2,
        updatedAt: 1_800_000_000_000,
        updatedBy: 'admin-2',
      });
      assert.equal(await store.activate('login', 1, 'admin-3', 1_800_000_000_001), true, 'roll back');
      assert.equal((await store.entry('login'))?.activeVersion, 1);
      assert.equal(await store.saveVersion(versionRecord('login', 3), 2), true);
      assert.equal((await store.entry('login'))?.activeVersion, 3, 'a save activates by default');
    });

    it('activate fails for an unknown flow or version, and on a stale expected active version', async () => {
      await store.saveVersion(versionRecord('login', 1), null);
      await store.saveVersion(versionRecord('login', 2), 1);
      assert.equal(await store.activate('nope', 1, 'admin', 1), false);
      assert.equal(await store.activate('login', 7, 'admin', 1), false);
      assert.equal(await store.activate('login', 1, 'admin', 1, 1), false, 'expected active 1, but it is 2');
      assert.equal(await store.activate('login', 1, 'admin', 1, 2), true);
      assert.equal((await store.entry('login'))?.activeVersion, 1);
    });

    it('of concurrent activations from the same read, exactly one wins', async () => {
      await store.saveVersion(versionRecord('login', 1), null);
      await store.saveVersion(versionRecord('login', 2), 1);
      await store.saveVersion(versionRecord('login', 3), 2);
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).activate('login', 1 + (i % 2), `admin-${i}`, 1, 3)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('the revision changes on every change, is the same for every instance, and stays put when a write is refused', async () => {
      const seen = [await store.revision()];
      const changed = async () => {
        const revision = await store.revision();
        assert.ok(!seen.includes(revision), `revision ${revision} was seen before (${seen.join(', ')})`);
        seen.push(revision);
        for (const peer of subject?.peers ?? []) assert.equal(await peer.revision(), revision);
      };
      await store.saveVersion(versionRecord('login', 1), null);
      await changed();
      await instance(1).saveVersion(versionRecord('login', 2), 1, { activate: false });
      await changed();
      await store.activate('login', 2, 'admin', 2);
      await changed();
      await store.saveVersion(versionRecord('other', 1), null);
      await changed();
      const before = await store.revision();
      assert.equal(await store.saveVersion(versionRecord('login', 3), 1), false);
      assert.equal(await store.activate('login', 9, 'admin', 3), false);
      assert.equal(await store.revision(), before);
    });

    it('subscribers hear of a change made through any instance', async () => {
      if (!store.subscribe) return;
      const listener = instance(1);
      await notified(
        (fn) => (listener.subscribe ?? store.subscribe!).call(listener.subscribe ? listener : store, fn),
        () => store.saveVersion(versionRecord('login', 1), null),
      );
    });
  });
}

function clientRecord(marker: string, extra: Partial<ClientRecord> = {}): Omit<ClientRecord, 'revision'> {
  return {
    config: {
      client_id: 'web-app',
      type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      allowed_flows: ['login'],
      name: marker,
    },
    secret: 'a-secret-of-at-least-thirty-two-characters',
    enabled: true,
    updatedAt: 1_700_000_000_000,
    updatedBy: 'admin-1',
    ...extra,
  };
}

/**
 * The ClientStore conformance suite: compare-and-set put and delete (of concurrent writes from
 * one read, exactly one wins), the secret kept beside the configuration, enabled kept, a
 * revision that changes on every change, change notification when offered. `factory` is
 * called before each test and must give a fresh, empty store.
 *
 * @example
 * clientStoreConformance('memory', async () => ({ store: new MemoryClientStore(), cleanup: async () => {} }), jest);
 */
export function clientStoreConformance(name: string, factory: () => Promise<ControlStoreSubject<ClientStore>>, runner?: TestRunner): void {
  const { describe, it, beforeEach, afterEach } = testFunctions(
    runner,
    ['describe', 'it', 'beforeEach', 'afterEach'],
    'clientStoreConformance(name, factory, { describe, it, beforeEach, afterEach })',
  );
  describe(`client store conformance: ${name}`, () => {
    let subject: ControlStoreSubject<ClientStore> | undefined;
    let store: ClientStore;
    const instance = (i: number): ClientStore => {
      const all = [store, ...(subject?.peers ?? [])];
      return all[i % all.length]!;
    };
    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.cleanup();
    });

    it('an empty store lists nothing', async () => {
      assert.deepEqual(await store.list(), []);
      assert.equal(await store.get('web-app'), undefined);
    });

    it('create (expected null) answers revision 1 and keeps the config, the secret and enabled exactly', async () => {
      assert.equal(await store.put('web-app', clientRecord('one'), null), 1);
      assert.deepEqual(await store.get('web-app'), { ...clientRecord('one'), revision: 1 });
      assert.deepEqual(await store.list(), [{ ...clientRecord('one'), revision: 1 }]);
    });

    it('a record without a secret reads back without one; a disabled one reads back disabled', async () => {
      const { secret: _secret, ...publicClient } = clientRecord('public', { enabled: false });
      assert.equal(await store.put('mobile-app', publicClient, null), 1);
      const read = await store.get('mobile-app');
      assert.equal(read?.enabled, false);
      assert.equal(read !== undefined && 'secret' in read ? read.secret : undefined, undefined);
    });

    it('create fails when the id exists; replace needs the current revision and bumps it', async () => {
      await store.put('web-app', clientRecord('one'), null);
      assert.equal(await store.put('web-app', clientRecord('two'), null), false);
      assert.equal(await store.put('web-app', clientRecord('two'), 1), 2);
      assert.equal(await store.put('web-app', clientRecord('stale'), 1), false);
      assert.equal(await store.put('other', clientRecord('x'), 1), false, 'replace of an absent id');
      assert.deepEqual(await store.get('web-app'), { ...clientRecord('two'), revision: 2 });
      assert.equal(await store.get('other'), undefined);
    });

    it('of concurrent puts from the same read, exactly one wins', async () => {
      await store.put('web-app', clientRecord('one'), null);
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => instance(i).put('web-app', clientRecord(`racer-${i}`), 1)),
      );
      assert.equal(results.filter((r) => r !== false).length, 1);
      const winner = results.findIndex((r) => r !== false);
      assert.deepEqual(await store.get('web-app'), { ...clientRecord(`racer-${winner}`), revision: 2 });
    });

    it('delete with the expected revision only when unchanged; without one always; an absent id is false', async () => {
      await store.put('web-app', clientRecord('one'), null);
      await store.put('web-app', clientRecord('two'), 1);
      assert.equal(await store.delete('web-app', 1), false);
      assert.equal((await store.get('web-app'))?.revision, 2);
      assert.equal(await store.delete('web-app', 2), true);
      assert.equal(await store.get('web-app'), undefined);
      assert.equal(await store.delete('web-app'), false);
      await store.put('web-app', clientRecord('again'), null);
      assert.equal((await store.get('web-app'))?.revision, 1, 'a re-created client starts again at 1');
      assert.equal(await store.delete('web-app'), true);
      assert.deepEqual(await store.list(), []);
    });

    it('of concurrent deletes with the same expected revision, exactly one wins', async () => {
      await store.put('web-app', clientRecord('one'), null);
      const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => instance(i).delete('web-app', 1)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('changing a returned copy changes nothing stored', async () => {
      const written = clientRecord('one');
      await store.put('web-app', written, null);
      const read = (await store.get('web-app'))!;
      (read.config as { name: string }).name = 'changed by a caller';
      (written.config as { name: string }).name = 'changed by the writer';
      assert.equal((await store.get('web-app'))?.config.name, 'one');
    });

    it('the revision changes on every change, is the same for every instance, and stays put when a write is refused', async () => {
      const seen = [await store.revision()];
      const changed = async () => {
        const revision = await store.revision();
        assert.ok(!seen.includes(revision), `revision ${revision} was seen before (${seen.join(', ')})`);
        seen.push(revision);
        for (const peer of subject?.peers ?? []) assert.equal(await peer.revision(), revision);
      };
      await store.put('web-app', clientRecord('one'), null);
      await changed();
      await instance(1).put('web-app', clientRecord('two', { enabled: false }), 1);
      await changed();
      await store.delete('web-app', 2);
      await changed();
      const before = await store.revision();
      assert.equal(await store.put('web-app', clientRecord('x'), 5), false);
      assert.equal(await store.delete('web-app'), false);
      assert.equal(await store.revision(), before);
    });

    it('subscribers hear of a change made through any instance', async () => {
      if (!store.subscribe) return;
      const listener = instance(1);
      await notified(
        (fn) => (listener.subscribe ?? store.subscribe!).call(listener.subscribe ? listener : store, fn),
        () => store.put('web-app', clientRecord('one'), null),
      );
    });
  });
}
