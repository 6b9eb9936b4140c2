import { describe, it, expect } from '@jest/globals';
import { ConfigInvalidError, createMemoryStores, type ConfigProblem } from '@waymark/core';
import { compilePolicyConfig, createPolicyDecisionPoint } from '@waymark/policy';
import { testClock } from '@waymark/testing';
import { policyConfig } from './support.js';

function problemsOf(config: unknown): ConfigProblem[] {
  try {
    compilePolicyConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).code).toBe('ERR_CONFIG_INVALID');
    expect((error as ConfigInvalidError).message).toMatch(/^policy configuration/);
    return [...(error as ConfigInvalidError).problems];
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

describe('policy configuration (start-up validation)', () => {
  it('accepts the article policy and applies the 300 s transaction TTL default', () => {
    const clock = testClock();
    const pdp = createPolicyDecisionPoint(policyConfig(), { stores: createMemoryStores(clock), clock });
    expect(pdp.config.transactionTtlSeconds).toBe(300);
    expect(pdp.config.policies.find((p) => p.name === 'makePayment')?.condition?.ttlSeconds).toBe(300);
    expect([...pdp.config.flows]).toEqual(['transactional-stepup']);
  });

  it('makes createPolicyDecisionPoint throw ERR_CONFIG_INVALID for a bad configuration', () => {
    const clock = testClock();
    expect(() => createPolicyDecisionPoint({ policySets: 'x' }, { stores: createMemoryStores(clock), clock })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/policySets' }) }) as unknown as Error,
    );
  });

  it('names every bad field with its fix, all at once', () => {
    const problems = problemsOf({
      policySets: [{ name: 'set', policies: [{ name: 'p', resources: ['not a url'], actions: ['FETCH'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction' } }] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: 'ERR_CONFIG_INVALID', pointer: '/policySets/0/policies/0/actions/0', message: expect.stringContaining('is not allowed: use one of "GET"') },
        { code: 'ERR_CONFIG_INVALID', pointer: '/policySets/0/policies/0/condition/flow', message: expect.stringMatching(/^"flow" is missing: add it\. Expected: the id of a loaded step-up flow/) },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('refuses unknown keys, a relative resource, duplicate names, a bad flow id and a missing policySets', () => {
    expect(problemsOf({})).toEqual([{ code: 'ERR_CONFIG_INVALID', pointer: '/policySets', message: expect.stringMatching(/^"policySets" is missing: add it/) }]);
    expect(problemsOf({ policySets: [{ name: 's', policies: [] }], ttl: 5 })).toEqual(
      expect.arrayContaining([{ code: 'ERR_CONFIG_INVALID', pointer: '/ttl', message: expect.stringContaining('unknown key "ttl": remove it') }]),
    );
    const rel = problemsOf({ policySets: [{ name: 's', policies: [{ name: 'p', resources: ['/pay'], actions: ['POST'], subject: { type: 'AuthenticatedUsers' } }] }] });
    expect(rel).toEqual([{ code: 'ERR_CONFIG_INVALID', pointer: '/policySets/0/policies/0/resources/0', message: expect.stringContaining('use an absolute http(s) URL pattern') }]);
    const dup = problemsOf({
      policySets: [
        { name: 's', policies: [{ name: 'p', resources: ['https://a.example/x'], actions: ['POST'], subject: { type: 'AuthenticatedUsers' } }] },
        { name: 's', policies: [{ name: 'q', resources: ['https://a.example/y'], actions: ['GET'], subject: { type: 'AuthenticatedUsers' } }] },
      ],
    });
    expect(dup).toEqual([{ code: 'ERR_CONFIG_INVALID', pointer: '/policySets/1/name', message: expect.stringContaining('unique') }]);
    const flow = problemsOf({
      policySets: [{ name: 's', policies: [{ name: 'p', resources: ['https://a.example/x'], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: 'Step Up' } }] }],
    });
    expect(flow).toEqual([{ code: 'ERR_CONFIG_INVALID', pointer: '/policySets/0/policies/0/condition/flow', message: expect.stringContaining('kebab-case') }]);
    expect(problemsOf(null)).toEqual([{ code: 'ERR_CONFIG_INVALID', pointer: '', message: expect.stringContaining('must be an object') }]);
  });
});
