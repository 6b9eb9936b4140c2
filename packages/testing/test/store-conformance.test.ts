import { describe, expect, it } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import type { Stores } from '@waymark/sdk';
import { storeConformance, testClock, TESTING_ERRORS, type HookFunctions, type TestFunctions } from '@waymark/testing';

/**
 * A test runner of our own (no jest): it records the suite's tests, then runs each with its
 * hooks, so the suite is judged against stores that are right and stores that are wrong.
 */
function recordingRunner() {
  const tests = new Map<string, () => void | Promise<void>>();
  const before: (() => void | Promise<void>)[] = [];
  const after: (() => void | Promise<void>)[] = [];
  const path: string[] = [];
  const runner: TestFunctions & HookFunctions = {
    describe: (name, body) => {
      path.push(name);
      body();
      path.pop();
    },
    it: (name, body) => void tests.set([...path, name].join(' > '), body),
    beforeEach: (body) => void before.push(body),
    afterEach: (body) => void after.push(body),
  };
  /** Runs every test; answers the names of those that failed, with the reason. */
  const run = async (): Promise<Map<string, string>> => {
    const failed = new Map<string, string>();
    for (const [name, body] of tests) {
      try {
        for (const hook of before) await hook();
        await body();
      } catch (error) {
        failed.set(name, (error as Error).message);
      } finally {
        for (const hook of after) await hook();
      }
    }
    return failed;
  };
  return { runner, tests, run };
}

function memorySubject(breakStores: (stores: Stores) => Stores = (s) => s) {
  return async () => {
    const clock = testClock();
    return { stores: breakStores(createMemoryStores(clock)), clock, cleanup: async () => {} };
  };
}

describe('storeConformance', () => {
  it('declares its tests through the runner it is given and passes the memory stores', async () => {
    const r = recordingRunner();
    storeConformance('memory', memorySubject(), r.runner);
    expect(r.tests.size).toBeGreaterThan(50);
    expect([...r.tests.keys()]).toContain(
      'store conformance: memory > journeys > put with a stale revision returns false and leaves the stored journey alone',
    );
    expect(await r.run()).toEqual(new Map());
  });

  it('fails a store that breaks the contract, naming the broken promise', async () => {
    // A journey store that ignores the expected revision: last write wins, no compare-and-set.
    const r = recordingRunner();
    storeConformance(
      'last-write-wins',
      memorySubject((stores) => {
        const journeys = stores.journeys;
        let revision = 0;
        return {
          ...stores,
          journeys: {
            get: (id) => journeys.get(id),
            delete: (id) => journeys.delete(id),
            put: async (id, value, _expected, ttl) => {
              await journeys.delete(id);
              await journeys.put(id, value, null, ttl);
              return ++revision;
            },
          },
        };
      }),
      r.runner,
    );
    const failed = await r.run();
    expect([...failed.keys()]).toContain(
      'store conformance: last-write-wins > journeys > put with a stale revision returns false and leaves the stored journey alone',
    );
    // Only the journey promises fail: the other stores are the memory ones.
    expect([...failed.keys()].every((name) => name.includes(' > journeys > '))).toBe(true);
  });

  it('calls the factory for each test, so each starts from empty stores', async () => {
    const r = recordingRunner();
    let built = 0;
    storeConformance(
      'counted',
      async () => {
        built++;
        return memorySubject()();
      },
      r.runner,
    );
    await r.run();
    expect(built).toBe(r.tests.size);
  });

  it('refuses with ERR_TESTING_RUNNER when neither the runner nor the globals give its test functions', () => {
    const g = globalThis as Record<string, unknown>;
    const saved = { beforeEach: g.beforeEach };
    g.beforeEach = undefined;
    try {
      let error: unknown;
      try {
        storeConformance('x', memorySubject(), { describe: () => {}, it: () => {}, afterEach: () => {} });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: TESTING_ERRORS.ERR_TESTING_RUNNER, details: { missing: ['beforeEach'] } });
      expect((error as Error).message).toMatch(
        /storeConformance: no beforeEach found: pass them, e.g. storeConformance\(name, factory, \{ describe, it, beforeEach, afterEach \}\)/,
      );
    } finally {
      Object.assign(g, saved);
    }
  });
});
