import { describe, it, expect } from '@jest/globals';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { createPolicyDecisionPoint, createWaymarkRouter, PolicyConfigError } from '@waymark/express';
import { clients, ISSUER, TestClock } from '../support/app.js';
import { policyConfig } from './support.js';

function problemsOf(config: unknown): { field: string; message: string }[] {
  const clock = new TestClock();
  try {
    createPolicyDecisionPoint(config, { stores: createMemoryStores(clock), clock });
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).code).toBe('ERR_POLICY_CONFIG');
    return [...(error as PolicyConfigError).problems];
  }
  throw new Error('expected ERR_POLICY_CONFIG');
}

describe('policy configuration (start-up validation)', () => {
  it('accepts the article policy and applies the 300 s transaction TTL default', () => {
    const clock = new TestClock();
    const pdp = createPolicyDecisionPoint(policyConfig(), { stores: createMemoryStores(clock), clock });
    expect(pdp.config.transactionTtlSeconds).toBe(300);
    expect([...pdp.config.flows]).toEqual(['transactional-stepup']);
  });

  it('names every bad field with its fix, all at once', () => {
    const problems = problemsOf({
      policySets: [{ name: 'set', policies: [{ name: 'p', resources: ['not a url'], actions: ['FETCH'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction' } }] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: '/policySets/0/policies/0/actions/0', message: expect.stringContaining('use one of') },
        { field: '/policySets/0/policies/0/condition', message: 'add "flow"' },
      ]),
    );
  });

  it('refuses unknown keys, a relative resource, duplicate names and a missing policySets', () => {
    expect(problemsOf({})).toEqual([{ field: '', message: 'add "policySets"' }]);
    expect(problemsOf({ policySets: [], ttl: 5 })).toEqual(expect.arrayContaining([{ field: '', message: expect.stringContaining('remove "ttl"') }]));
    const rel = problemsOf({ policySets: [{ name: 's', policies: [{ name: 'p', resources: ['/pay'], actions: ['POST'], subject: { type: 'AuthenticatedUsers' } }] }] });
    expect(rel[0]?.field).toBe('/policySets/0/policies/0/resources/0');
    const dup = problemsOf({ policySets: [{ name: 's', policies: [{ name: 'p', resources: ['https://a.example/x'], actions: ['POST'], subject: { type: 'AuthenticatedUsers' } }] }, { name: 's', policies: [{ name: 'q', resources: ['https://a.example/y'], actions: ['GET'], subject: { type: 'AuthenticatedUsers' } }] }] });
    expect(dup).toEqual([{ field: '/policySets/1/name', message: expect.stringContaining('unique') }]);
    expect(problemsOf(null)[0]?.field).toBe('');
  });

  it('makes createWaymarkRouter throw ERR_POLICY_CONFIG at start-up, and when a condition names a flow the engine has not loaded', async () => {
    const clock = new TestClock();
    const stores = createMemoryStores(clock);
    const base = { issuer: ISSUER, clients: Object.values(clients), stores, clock };
    expect(() => createWaymarkRouter({ ...base, policies: { config: { policySets: 'x' } } })).toThrow(expect.objectContaining({ code: 'ERR_POLICY_CONFIG' }) as unknown as Error);
    const engine = await createEngine({ nodes: builtinNodes, stores, clock });
    expect(() => createWaymarkRouter({ ...base, engine, policies: { config: policyConfig() } })).toThrow(/transactional-stepup/);
  });
});
