import { describe, it, expect } from '@jest/globals';
import { waitPoll } from '@waymark/nodes';
import { outputValue } from '@waymark/sdk';
import { runNode, testClock } from '@waymark/testing';

describe('wait.poll', () => {
  it('suspends with a PollingWaitCallback on the first visit and keeps the start out of state', async () => {
    const clock = testClock();
    const r = await runNode(waitPoll, { clock, config: { waitMs: 5000, message: 'Approve on your phone.' } });
    expect(r.outcome).toBeUndefined();
    expect(r.callbacks?.map((c) => c.type)).toEqual(['PollingWaitCallback']);
    expect(outputValue(r.callbacks![0], 'waitTime')).toBe('5000');
    expect(outputValue(r.callbacks![0], 'message')).toBe('Approve on your phone.');
    expect(r.state).toEqual({});
    expect(r.secrets).toEqual({ 'since:node': String(clock.now()) });
  });

  it('asks to wait for what is left when submitted early, and is done once the injected clock passes waitMs', async () => {
    const clock = testClock();
    const first = await runNode(waitPoll, { clock, config: { waitMs: 5000 } });
    clock.advance(2000);
    const early = await runNode(waitPoll, { clock, config: { waitMs: 5000 }, secrets: first.secrets, submit: first.callbacks! });
    expect(early.outcome).toBeUndefined();
    expect(outputValue(early.callbacks![0], 'waitTime')).toBe('3000');
    expect(outputValue(early.callbacks![0], 'message')).toBe('Please wait…');
    clock.advance(3000);
    const done = await runNode(waitPoll, { clock, config: { waitMs: 5000 }, secrets: early.secrets, submit: early.callbacks! });
    expect(done.outcome).toBe('done');
    expect(done.secrets).toEqual({});
  });

  it('refuses a wait out of bounds at flow load', async () => {
    await expect(runNode(waitPoll, { config: { waitMs: 10 } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
    await expect(runNode(waitPoll, { config: { waitMs: 5000, extra: 1 } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
  });
});
