import { describe, expect, it } from '@jest/globals';
import { createEngine, createMemoryStores, MemoryFlowStore, type PushedResult, type SuspendedResult } from '@waymark/core';
import { defineNode, type FlowVersionRecord, type JsonObject } from '@waymark/sdk';
import { answer, loginFlow, request, testNodes } from './helpers.js';

/*
 * The engine on a flow store (the control plane): the store's active version is what new
 * journeys start on, and a journey pinned to a version this engine never compiled (another
 * process saved it) is compiled from the store when it resumes or is redeemed.
 */

const key = Buffer.alloc(32, 9).toString('base64url');
const record = (flow: JsonObject, savedAt = 1): FlowVersionRecord => ({
  id: flow.id as string,
  version: flow.version as number,
  flow,
  savedAt,
  savedBy: 'admin',
});

const early = defineNode({
  type: 'test.early',
  version: 1,
  description: 'Runs before the browser.',
  outcomes: ['next'],
  pushPhase: true,
  run: () => 'next',
});

async function twoProcesses() {
  const stores = createMemoryStores();
  const flowStore = new MemoryFlowStore();
  const one = await createEngine({ nodes: [...testNodes, early], stores, secretKeys: [key], flowStore });
  const two = await createEngine({ nodes: [...testNodes, early], stores, secretKeys: [key], flowStore });
  return { stores, flowStore, one, two };
}

describe('engine: flows from a flow store', () => {
  it('syncFlows makes the store’s active version the one new journeys start on, a rollback too', async () => {
    const { flowStore, one } = await twoProcesses();
    await flowStore.saveVersion(record(loginFlow(1)), null);
    await flowStore.saveVersion(record(loginFlow(2)), 1);
    expect(await one.syncFlows()).toEqual({ activated: [{ id: 'login', version: 2 }], refused: [] });
    expect(one.flow('login')?.version).toBe(2);
    await flowStore.activate('login', 1, 'admin', 2);
    expect((await one.syncFlows()).activated).toEqual([{ id: 'login', version: 1 }]);
    expect(one.flow('login')?.version).toBe(1);
    expect((await one.start('login', { request })).flowVersion).toBe(1);
    expect(await one.syncFlows()).toEqual({ activated: [], refused: [] });
  });

  it('a stored version that does not validate is refused with its problems; the running version keeps serving', async () => {
    const { flowStore, one } = await twoProcesses();
    await flowStore.saveVersion(record(loginFlow(1)), null);
    await one.syncFlows();
    await flowStore.saveVersion(record({ ...loginFlow(2), start: 'nowhere' } as JsonObject), 1);
    const report = await one.syncFlows();
    expect(report.activated).toEqual([]);
    expect(report.refused).toEqual([
      {
        id: 'login',
        version: 2,
        error: expect.objectContaining({ code: 'ERR_FLOW_INVALID', problems: [expect.objectContaining({ pointer: '/start' })] }),
      },
    ]);
    expect(one.flow('login')?.version).toBe(1);
  });

  it('a journey pinned to a version this engine never compiled is compiled from the store on resume, and finishes on it', async () => {
    const { flowStore, one, two } = await twoProcesses();
    await flowStore.saveVersion(record(loginFlow(1)), null);
    await flowStore.saveVersion(record(loginFlow(2)), 1);
    await one.syncFlows();
    const started = (await one.start('login', { request })) as SuspendedResult;
    expect(started.flowVersion).toBe(2);
    expect(two.flow('login', 2)).toBeUndefined();
    const done = await two.resume(started.journeyId, { request, callbacks: answer(started.callbacks, ['alice', 'correct horse']) });
    expect(done.status).toBe('success');
    expect(done.trace.map((s) => s.node)).toEqual(['collect', 'collect', 'verify', 'count']); // only version 2 has "count"
    expect(two.flow('login')).toBeUndefined(); // compiled for the pinned journey, not activated
  });

  it('a pushed journey pinned to a version this engine never compiled is compiled from the store on redeem', async () => {
    const { flowStore, one, two } = await twoProcesses();
    const pushFlow = {
      id: 'push',
      version: 3,
      description: 'Early, then a question.',
      start: 'early',
      nodes: {
        early: { type: 'test.early', outcomes: { next: 'collect' } },
        collect: { type: 'test.ask', outcomes: { collected: 'success' } },
      },
    };
    await flowStore.saveVersion(record(pushFlow), null);
    await one.syncFlows();
    const pushed = (await one.push('push', { request })) as PushedResult;
    expect(pushed.status).toBe('pushed');
    const redeemed = await two.redeem(pushed.sealed, { request });
    expect(redeemed).toMatchObject({ status: 'suspended', flowId: 'push', flowVersion: 3 });
  });

  it('without the version in the store either, resume is ERR_FLOW_NOT_FOUND', async () => {
    const { one, two } = await twoProcesses();
    one.load(loginFlow(1));
    const started = (await one.start('login', { request })) as SuspendedResult;
    await expect(two.resume(started.journeyId, { request, callbacks: started.callbacks })).rejects.toMatchObject({
      code: 'ERR_FLOW_NOT_FOUND',
    });
  });

  it('load keeps the latest active by default; activate picks a loaded version; load "never" only compiles', async () => {
    const { one } = await twoProcesses();
    one.load(loginFlow(2));
    one.load(loginFlow(1));
    expect(one.flow('login')?.version).toBe(2);
    one.activate('login', 1);
    expect(one.flow('login')?.version).toBe(1);
    expect(() => one.activate('login', 9)).toThrow(expect.objectContaining({ code: 'ERR_FLOW_NOT_FOUND' }));
    one.load({ ...loginFlow(3) }, undefined, 'never');
    expect(one.flow('login')?.version).toBe(1);
    expect(one.flow('login', 3)?.version).toBe(3);
  });
});
