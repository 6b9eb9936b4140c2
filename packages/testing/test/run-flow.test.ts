import { describe, expect, it } from '@jest/globals';
import { callbacks, defineNode, inputValue } from '@waymark/sdk';
import { answerCallbacks, runFlow, testClock } from '@waymark/testing';

const collect = defineNode({
  type: 'demo.collect',
  version: 1,
  description: 'Asks a name and a password, after a notice.',
  outcomes: ['collected'],
  run(ctx) {
    if (!ctx.callbacks) return ctx.suspend([callbacks.textOutput('Sign in'), callbacks.name('Name'), callbacks.password('Password')]);
    ctx.state.username = String(inputValue(ctx.callbacks[1]));
    ctx.secrets.password = String(inputValue(ctx.callbacks[2]));
    return 'collected';
  },
});

const verify = defineNode({
  type: 'demo.verify',
  version: 1,
  description: 'Accepts one password, within a minute of the start.',
  outcomes: ['valid', 'invalid', 'expired'],
  run(ctx) {
    if (ctx.services.clock.now() - ctx.journey.startedAt > 60_000) return 'expired';
    if (ctx.secrets.password !== 'correct horse') return { outcome: 'invalid', reason: 'password' };
    ctx.state.sub = String(ctx.state.username);
    return 'valid';
  },
});

const ipGate = defineNode({
  type: 'demo.ip-gate',
  version: 1,
  description: 'Lets internal IPs through without a password.',
  outcomes: ['internal', 'external'],
  run: (ctx) => (ctx.ip.startsWith('10.') ? 'internal' : 'external'),
});

const nodes = [collect, verify, ipGate];

const flow = {
  id: 'login',
  version: 1,
  description: 'Internal users pass; others sign in.',
  start: 'gate',
  nodes: {
    gate: { type: 'demo.ip-gate', outcomes: { internal: 'success', external: 'collect' } },
    collect: { type: 'demo.collect', outcomes: { collected: 'verify' } },
    verify: { type: 'demo.verify', outcomes: { valid: 'success', invalid: 'failure', expired: 'failure' } },
  },
};

const signIn = { expect: ['TextOutputCallback', 'NameCallback', 'PasswordCallback'], answer: ['ada', 'correct horse'] } as const;

describe('runFlow', () => {
  it('answers each suspension from the script and reports the path, the outcomes and the result', async () => {
    const run = await runFlow(flow, [signIn], { nodes });
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['gate', 'collect', 'verify']);
    expect(run.outcomes).toEqual(['external', 'collected', 'valid']);
    expect(run.trace.map((s) => s.outcome)).toEqual(['external', 'suspended', 'collected', 'valid']);
    expect(run.suspensions).toHaveLength(1);
    expect(run.result).toMatchObject({ status: 'success', sub: 'ada' });
  });

  it('takes the path the start request decides, with no script when the journey never suspends', async () => {
    const run = await runFlow(flow, [], { nodes, request: { ip: '10.0.0.7' } });
    expect(run.path).toEqual(['gate']);
    expect(run.status).toBe('success');
  });

  it('reports a failure with the node reason of the last step', async () => {
    const run = await runFlow(flow, [{ ...signIn, answer: ['ada', 'wrong'] }], { nodes });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['external', 'collected', 'invalid']);
    expect(run.result).toMatchObject({ code: 'ERR_JOURNEY_FAILED', nodeReason: 'password' });
  });

  it('moves the injected clock by a step\'s "advance" before answering', async () => {
    const clock = testClock();
    const run = await runFlow(flow, [{ ...signIn, advance: 60_001 }], { nodes, clock });
    expect(run.outcomes.at(-1)).toBe('expired');
    expect(clock.now()).toBe(testClock().now() + 60_001);
  });

  it('stops at a step without an answer and reports the node it waits at', async () => {
    const run = await runFlow(flow, [{ expect: signIn.expect }], { nodes });
    expect(run.status).toBe('suspended');
    expect(run.path).toEqual(['gate', 'collect']);
    expect(run.outcomes).toEqual(['external', 'suspended']);
  });

  it('accepts an answer function that builds the submitted callbacks itself', async () => {
    const run = await runFlow(flow, [{ answer: (cbs) => answerCallbacks(cbs, ['ada', 'correct horse']) }], { nodes });
    expect(run.status).toBe('success');
  });

  it('fails naming the node and the callbacks when the journey suspends past the end of the script', async () => {
    await expect(runFlow(flow, [], { nodes })).rejects.toMatchObject({
      code: 'ERR_TESTING_SCRIPT',
      message: expect.stringContaining(
        'suspended at "collect" asking for [TextOutputCallback, NameCallback, PasswordCallback], but the script has no step 1',
      ),
    });
  });

  it('fails when a step asks other callbacks than the script expects', async () => {
    await expect(runFlow(flow, [{ expect: ['NameCallback'], answer: ['ada'] }], { nodes })).rejects.toThrow(
      /step 1: "collect" asked for \[TextOutputCallback, NameCallback, PasswordCallback\], the script expected \[NameCallback\]/,
    );
  });

  it('fails when the journey ends with script steps left over', async () => {
    await expect(runFlow(flow, [signIn], { nodes, request: { ip: '10.1.1.1' } })).rejects.toThrow(
      /ended \(success\) after 0 suspension\(s\), but the script has 1 step/,
    );
  });

  it('fails when an answer list does not match the callbacks that take input', async () => {
    await expect(runFlow(flow, [{ answer: ['ada'] }], { nodes })).rejects.toMatchObject({
      code: 'ERR_TESTING_ANSWER',
      message: expect.stringContaining('1 answer(s) given, but the step asks 2: NameCallback, PasswordCallback'),
    });
  });

  it("refuses an invalid flow with the engine's own error", async () => {
    await expect(runFlow({ ...flow, start: 'nowhere' }, [], { nodes })).rejects.toMatchObject({ code: 'ERR_FLOW_INVALID' });
  });
});
