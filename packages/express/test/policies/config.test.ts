import { describe, it, expect } from '@jest/globals';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { createWaymarkRouter } from '@waymark/express';
import { clients, ISSUER, TestClock } from '../support/app.js';
import { policyConfig } from './support.js';

describe('policies option of createWaymarkRouter (start-up validation)', () => {
  it('makes createWaymarkRouter throw ERR_CONFIG_INVALID at start-up, and when a condition names a flow the engine has not loaded', async () => {
    const clock = new TestClock();
    const stores = createMemoryStores(clock);
    const base = { issuer: ISSUER, clients: Object.values(clients), stores, clock };
    expect(() => createWaymarkRouter({ ...base, policies: { config: { policySets: 'x' } } })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/policySets' }) }) as unknown as Error,
    );
    const engine = await createEngine({ nodes: builtinNodes, stores, clock });
    expect(() => createWaymarkRouter({ ...base, engine, policies: { config: policyConfig() } })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('names flow "transactional-stepup", which the engine has not loaded') }) as unknown as Error,
    );
    expect(() => createWaymarkRouter({ ...base, policies: {} })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/policies' }) }) as unknown as Error);
    expect(() => createWaymarkRouter({ ...base, policies: { config: policyConfig(), maxStepUpsPerTransaction: 0 } })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/policies/maxStepUpsPerTransaction' }) }) as unknown as Error,
    );
  });
});
