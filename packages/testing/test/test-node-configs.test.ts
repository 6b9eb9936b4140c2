import { describe, expect, it } from '@jest/globals';
import { defineNode } from '@waymark/sdk';
import { testNodeConfigs, type TestFunctions } from '@waymark/testing';

const window = defineNode({
  type: 'test.window',
  version: 1,
  description: 'Opens between two times.',
  config: {
    type: 'object',
    additionalProperties: false,
    properties: {
      opens: { type: 'string', pattern: '^\\d{2}:\\d{2}$', default: '09:00' },
      days: { type: 'array', items: { enum: ['mon', 'tue'] }, default: ['mon'] },
    },
  } as const,
  outcomes: ['open', 'closed'],
  run: () => 'open',
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A runner that records the tests instead of running them, so each body can be judged. */
function recorder() {
  const names: string[] = [];
  const bodies = new Map<string, () => void | Promise<void>>();
  const runner: TestFunctions = {
    describe: (name, body) => {
      names.push(`describe ${name}`);
      body();
    },
    it: (name, body) => {
      names.push(name);
      bodies.set(name, body);
    },
  };
  const outcome = async (name: string): Promise<string> => {
    const body = bodies.get(name);
    if (!body) throw new Error(`no test named ${name}: ${[...bodies.keys()].join(' | ')}`);
    try {
      await body();
      return 'passed';
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  };
  return { runner, names, outcome };
}

describe('testNodeConfigs', () => {
  it('declares one test per case under a describe named after the node type', () => {
    const r = recorder();
    testNodeConfigs(window, { valid: [{}, { opens: '08:00' }], invalid: [{ config: { opens: 8 }, pointer: '/opens' }] }, r.runner);
    expect(r.names).toEqual(['describe test.window config', 'accepts {}', 'accepts {"opens":"08:00"}', 'rejects {"opens":8} at /opens']);
  });

  it('passes valid configs and invalid configs refused at the named pointer with the named message', async () => {
    const r = recorder();
    testNodeConfigs(
      window,
      {
        valid: [{ days: ['tue'] }],
        invalid: [
          { config: { opens: '8h' }, pointer: '/opens', message: /does not match/ },
          { config: { colour: 'red' }, message: 'unknown key "colour"' },
        ],
      },
      r.runner,
    );
    expect(await r.outcome('accepts {"days":["tue"]}')).toBe('passed');
    expect(await r.outcome('rejects {"opens":"8h"} at /opens')).toBe('passed');
    expect(await r.outcome('rejects {"colour":"red"}')).toBe('passed');
  });

  it('fails a "valid" case the schema refuses, listing each problem with its pointer', async () => {
    const r = recorder();
    testNodeConfigs(window, { valid: [{ days: ['sun'] }], invalid: [] }, r.runner);
    expect(await r.outcome('accepts {"days":["sun"]}')).toMatch(
      /expected \{"days":\["sun"\]\} to be a valid config, got:\n {2}\/days\/0 "sun" is not allowed/,
    );
  });

  it('fails an "invalid" case the schema accepts', async () => {
    const r = recorder();
    testNodeConfigs(window, { valid: [], invalid: [{ config: { opens: '10:00' } }] }, r.runner);
    expect(await r.outcome('rejects {"opens":"10:00"}')).toBe(
      'failed: test.window: expected {"opens":"10:00"} to be refused, but the schema accepts it',
    );
  });

  it('fails an "invalid" case refused at another pointer or with another message than the case names', async () => {
    const r = recorder();
    testNodeConfigs(
      window,
      {
        valid: [],
        invalid: [
          { config: { opens: 8 }, pointer: '/days' },
          { config: { opens: 8 }, message: 'must be an array', name: 'wrong message' },
        ],
      },
      r.runner,
    );
    expect(await r.outcome('rejects {"opens":8} at /days')).toMatch(
      /expected a problem at \/days for \{"opens":8\}, got:\n {2}\/opens 8 must be a string/,
    );
    expect(await r.outcome('wrong message')).toMatch(/expected a problem matching must be an array/);
  });

  it('refuses an empty table, so a typo cannot silently test nothing', () => {
    expect(() => testNodeConfigs(window, { valid: [], invalid: [] }, recorder().runner)).toThrow(
      /give at least one valid or invalid config/,
    );
    expect(thrown(() => testNodeConfigs(window, { valid: [], invalid: [] }, recorder().runner))).toMatchObject({ code: 'ERR_TESTING_CASES' });
  });

  it('refuses to run without describe/it when the runner exposes no globals', () => {
    const g = globalThis as Record<string, unknown>;
    const saved = { describe: g.describe, it: g.it };
    g.describe = undefined;
    g.it = undefined;
    try {
      expect(() => testNodeConfigs(window, { valid: [{}], invalid: [] })).toThrow(
        /pass them, e.g. testNodeConfigs\(node, cases, \{ describe, it \}\)/,
      );
      expect(thrown(() => testNodeConfigs(window, { valid: [{}], invalid: [] }))).toMatchObject({ code: 'ERR_TESTING_RUNNER' });
    } finally {
      Object.assign(g, saved);
    }
  });
});

// The same table, declared as real jest tests: what a node author writes.
testNodeConfigs(
  window,
  {
    valid: [{}, { opens: '07:45', days: ['mon', 'tue'] }],
    invalid: [
      { config: { opens: '7:45' }, pointer: '/opens', message: /does not match/ },
      { config: { days: 'mon' }, pointer: '/days' },
    ],
  },
  { describe, it, expect },
);
