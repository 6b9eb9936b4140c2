import { describe, expect, it } from '@jest/globals';
import { createEngine, createMemoryStores, type JourneyEvent, type SuspendedResult } from '@waymark/core';
import { callbacks, defineNode, inputValue, outputValue, type Callback, type Logger } from '@waymark/sdk';
import { answer, clock, loginFlow, request, testNodes } from './helpers.js';

const key = Buffer.alloc(32, 7).toString('base64url');

async function engineWith(options: Parameters<typeof createEngine>[0] = {}) {
  const engine = await createEngine({ nodes: testNodes, secretKeys: [key], ...options });
  return engine;
}

describe('engine: start, suspend, resume', () => {
  it('runs a linear flow to success and records a trace step per node', async () => {
    const engine = await engineWith();
    engine.load({
      id: 'linear',
      version: 1,
      description: 'Three passes.',
      start: 'a',
      nodes: { a: { type: 'test.pass', outcomes: { next: 'b' } }, b: { type: 'test.pass', outcomes: { next: 'c' } }, c: { type: 'test.pass', outcomes: { next: 'success' } } },
    });
    const result = await engine.start('linear', { request });
    expect(result.status).toBe('success');
    expect(result.trace.map((s) => [s.node, s.type, s.outcome])).toEqual([
      ['a', 'test.pass', 'next'],
      ['b', 'test.pass', 'next'],
      ['c', 'test.pass', 'next'],
    ]);
    expect(result.trace.every((s) => typeof s.ms === 'number' && s.ms >= 0)).toBe(true);
    expect(result.status === 'success' && result.state.count).toBe(3);
  });

  it('suspends with AIC callbacks, then resumes to success with the submitted values', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    const first = (await engine.start('login', { request })) as SuspendedResult;
    expect(first.status).toBe('suspended');
    expect(first.stage).toBe('login');
    expect(first.callbacks.map((c) => [c.type, c.input[0]!.name])).toEqual([
      ['NameCallback', 'IDToken1'],
      ['PasswordCallback', 'IDToken2'],
    ]);
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.status).toBe('success');
    expect(done.status === 'success' && done.sub).toBe('user:ada');
    // The finished journey is gone: resuming again is not found.
    await expect(engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'x']) })).rejects.toMatchObject({
      code: 'ERR_JOURNEY_NOT_FOUND',
    });
  });

  it('ends in a coded failure with the node reason when the flow reaches failure', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    const first = (await engine.start('login', { request })) as SuspendedResult;
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'wrong']) });
    expect(done).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED', nodeReason: 'password' });
  });

  it('sets cookies only when the journey succeeds, and applies clears on failure', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    const a = (await engine.start('login', { request })) as SuspendedResult;
    const ok = await engine.resume(a.journeyId, { request, callbacks: answer(a.callbacks, ['ada', 'correct horse']) });
    expect(ok.cookies).toEqual([{ name: 'remember', value: 'yes', options: { httpOnly: true } }]);
    const b = (await engine.start('login', { request })) as SuspendedResult;
    const bad = await engine.resume(b.journeyId, { request, callbacks: answer(b.callbacks, ['ada', 'nope']) });
    expect(bad.cookies).toEqual([{ name: 'remember', value: null, options: {} }]);
  });

  it('rejects a submission that does not answer the callbacks asked for, and keeps the journey', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    const first = (await engine.start('login', { request })) as SuspendedResult;
    await expect(engine.resume(first.journeyId, { request, callbacks: [] })).rejects.toMatchObject({ code: 'ERR_SUBMISSION_INVALID' });
    await expect(
      engine.resume(first.journeyId, { request, callbacks: [{ type: 'PasswordCallback', output: [], input: [] }, first.callbacks[1]!] }),
    ).rejects.toMatchObject({ code: 'ERR_SUBMISSION_INVALID' });
    await expect(
      engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'x'.repeat(5000)]) }),
    ).rejects.toMatchObject({ code: 'ERR_SUBMISSION_INVALID' });
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.status).toBe('success');
  });

  it('takes only input values from a submission, never the outputs a client rewrote', async () => {
    // The node that asked sees, on resume, exactly what it showed, with the user's inputs filled in.
    const resumedWith: Callback[][] = [];
    const echo = defineNode({
      type: 'test.echo',
      version: 1,
      description: 'Asks a name under a notice; records the callbacks it is resumed with.',
      outcomes: ['done'],
      run(ctx) {
        if (!ctx.callbacks) return ctx.suspend([callbacks.name('Name'), callbacks.textOutput('Welcome back')]);
        resumedWith.push(structuredClone(ctx.callbacks));
        ctx.state.prompt = String(outputValue(ctx.callbacks[0], 'prompt'));
        ctx.state.notice = String(outputValue(ctx.callbacks[1], 'message'));
        ctx.state.name = String(inputValue(ctx.callbacks[0]));
        return 'done';
      },
    });
    const engine = await engineWith({ nodes: [echo] });
    engine.load({ id: 'echo', version: 1, description: 'One question.', start: 'ask', nodes: { ask: { type: 'test.echo', outcomes: { done: 'success' } } } });
    const first = (await engine.start('echo', { request })) as SuspendedResult;
    const forged = first.callbacks.map((c) => ({
      type: c.type,
      output: [{ name: c.type === 'NameCallback' ? 'prompt' : 'message', value: 'HACKED' }, { name: 'extra', value: 'HACKED' }],
      input: c.input.map((f) => ({ name: f.name, value: 'ada' })),
    }));
    const done = await engine.resume(first.journeyId, { request, callbacks: forged });
    expect(done.status).toBe('success');
    expect(done.status === 'success' && done.state).toEqual({ prompt: 'Name', notice: 'Welcome back', name: 'ada' });
    expect(resumedWith).toEqual([
      [
        { type: 'NameCallback', output: first.callbacks[0]!.output, input: [{ name: 'IDToken1', value: 'ada' }] },
        { type: 'TextOutputCallback', output: first.callbacks[1]!.output, input: [] },
      ],
    ]);
    expect(JSON.stringify(resumedWith)).not.toContain('HACKED');
  });
});

describe('engine: pinning, concurrency, persistence', () => {
  it('finishes a journey on the flow version it started on after a new version is loaded', async () => {
    const engine = await engineWith();
    engine.load(loginFlow(1));
    const first = (await engine.start('login', { request })) as SuspendedResult;
    engine.load(loginFlow(2));
    expect(engine.flow('login')?.version).toBe(2);
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.flowVersion).toBe(1);
    expect(done.trace.map((s) => s.node)).toEqual(['collect', 'collect', 'verify']);
    const fresh = (await engine.start('login', { request })) as SuspendedResult;
    const v2 = await engine.resume(fresh.journeyId, { request, callbacks: answer(fresh.callbacks, ['ada', 'correct horse']) });
    expect(v2.flowVersion).toBe(2);
    expect(v2.trace.map((s) => s.node)).toContain('count');
  });

  it('lets exactly one of two concurrent resumes advance; the other gets ERR_JOURNEY_CONFLICT', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    const first = (await engine.start('login', { request })) as SuspendedResult;
    const submit = () => engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    const results = await Promise.allSettled([submit(), submit(), submit()]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost.every((r) => ['ERR_JOURNEY_CONFLICT', 'ERR_JOURNEY_NOT_FOUND'].includes((r.reason as { code: string }).code))).toBe(true);
    expect(lost.some((r) => (r.reason as { code: string }).code === 'ERR_JOURNEY_CONFLICT')).toBe(true);
  });

  it('lets exactly one of 50 staggered concurrent resumes advance, including those that read after the first claim', async () => {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    // The winner is still running (it yields to the event loop) while later resumes read the journey.
    const slowCheck = defineNode({
      type: 'test.slowcheck',
      version: 1,
      description: 'Checks after a few event-loop turns.',
      outcomes: ['valid'],
      async run() {
        for (let i = 0; i < 10; i++) await turn();
        return 'valid';
      },
    });
    const engine = await createEngine({ nodes: [...testNodes, slowCheck], secretKeys: [key] });
    engine.load({
      id: 'slow',
      version: 1,
      description: 'Collects, then checks slowly.',
      start: 'collect',
      nodes: { collect: { type: 'test.ask', outcomes: { collected: 'verify' } }, verify: { type: 'test.slowcheck', outcomes: { valid: 'success' } } },
    });
    for (let trial = 0; trial < 5; trial++) {
      const first = (await engine.start('slow', { request })) as SuspendedResult;
      const submit = async (i: number) => {
        for (let k = 0; k < i % 5; k++) await turn();
        return engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'pw']) });
      };
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => submit(i)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    }
  });

  it('restores a persisted journey in another engine sharing the stores and key, and finishes it', async () => {
    const stores = createMemoryStores();
    const a = await engineWith({ stores });
    a.load(loginFlow());
    const first = (await a.start('login', { request })) as SuspendedResult;
    const b = await engineWith({ stores });
    b.load(loginFlow());
    const done = await b.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.status).toBe('success');
  });

  it('cannot open a journey sealed with another key', async () => {
    const stores = createMemoryStores();
    const a = await engineWith({ stores });
    a.load(loginFlow());
    const first = (await a.start('login', { request, params: { subject_token: 'tok' } })) as SuspendedResult;
    const b = await createEngine({ nodes: a.registry.list(), stores, secretKeys: [Buffer.alloc(32, 9).toString('base64url')] });
    b.load(loginFlow());
    await expect(b.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'x']) })).rejects.toMatchObject({
      code: 'ERR_JOURNEY_SEALED',
    });
  });

  it('expires a suspended journey after the flow timeout by the injected clock', async () => {
    const c = clock();
    const engine = await engineWith({ clock: c });
    engine.load(loginFlow(1, { timeout: 60 }));
    const first = (await engine.start('login', { request })) as SuspendedResult;
    c.advance(61_000);
    await expect(engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) })).rejects.toMatchObject({
      code: 'ERR_JOURNEY_NOT_FOUND',
    });
  });
});

describe('engine: secrets', () => {
  it('keeps secrets out of the persisted journey, the trace, events and results', async () => {
    const stores = createMemoryStores();
    const events: JourneyEvent[] = [];
    const engine = await engineWith({ stores });
    engine.on((e) => events.push(e));
    engine.load({
      ...loginFlow(),
      nodes: {
        collect: { type: 'test.ask', outcomes: { collected: 'again' } },
        again: { type: 'test.ask', outcomes: { collected: 'verify' } },
        verify: { type: 'test.check', outcomes: { valid: 'success', invalid: 'failure' } },
      },
    });
    const first = (await engine.start('login', { request, params: { subject_token: 'eyJpushed.token.value' } })) as SuspendedResult;
    const second = (await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) })) as SuspendedResult;
    const persisted = (await stores.journeys.get(second.journeyId))!.value;
    expect(persisted).not.toContain('correct horse');
    expect(persisted).not.toContain('eyJpushed.token.value');
    const done = await engine.resume(second.journeyId, { request, callbacks: answer(second.callbacks, ['ada', 'correct horse']) });
    const everything = JSON.stringify([done, events]);
    expect(everything).not.toContain('correct horse');
    expect(everything).not.toContain('eyJpushed.token.value');
  });

  it('shows a node only the secrets of its own type namespace', async () => {
    const engine = await engineWith();
    engine.load({
      id: 'peek',
      version: 1,
      description: 'Another namespace tries to read a password.',
      start: 'collect',
      nodes: {
        collect: { type: 'test.ask', outcomes: { collected: 'peek' } },
        peek: { type: 'other.peek', outcomes: { saw: 'failure', blind: 'success' } },
      },
    });
    const first = (await engine.start('peek', { request })) as SuspendedResult;
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.status).toBe('success');
  });

  it('redacts secrets from what it logs when a node throws', async () => {
    const lines: string[] = [];
    const log = (m: string, f?: Record<string, unknown>) => void lines.push(`${m} ${JSON.stringify(f)}`);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const engine = await engineWith({ logger });
    engine.load({
      id: 'boom',
      version: 1,
      description: 'Collects then throws.',
      start: 'collect',
      nodes: { collect: { type: 'test.ask', outcomes: { collected: 'boom' } }, boom: { type: 'test.boom', outcomes: { never: 'success' } } },
    });
    const first = (await engine.start('boom', { request })) as SuspendedResult;
    // test.boom is in the test namespace: it sees the password and puts it in its error message.
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED' });
    expect(lines.join('\n')).toContain('[redacted]');
    expect(lines.join('\n')).not.toContain('correct horse');
    expect(JSON.stringify(done)).not.toContain('correct horse');
  });
});

describe('engine: errors and limits', () => {
  const one = (type: string, outcomes: Record<string, string>) => ({
    id: 'one',
    version: 1,
    description: 'One node.',
    start: 'n',
    nodes: { n: { type, outcomes } },
  });

  it('follows the error outcome when a node throws and the flow wires it', async () => {
    const engine = await engineWith();
    engine.load(one('test.boom', { never: 'success', error: 'failure' }));
    const r = await engine.start('one', { request });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED' });
    expect(r.trace[0]).toMatchObject({ node: 'n', outcome: 'error', reason: 'thrown' });
  });

  it('fails with ERR_NODE_FAILED when a node throws and no error outcome is wired', async () => {
    const engine = await engineWith();
    engine.load(one('test.boom', { never: 'success' }));
    expect(await engine.start('one', { request })).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED' });
  });

  it('follows the timeout outcome when a node hangs past its timeout and the flow wires it', async () => {
    const engine = await engineWith();
    engine.load(one('test.hang', { never: 'failure', timeout: 'success' }));
    const r = await engine.start('one', { request });
    expect(r.status).toBe('success');
    expect(r.trace[0]).toMatchObject({ outcome: 'timeout' });
  });

  it('fails with ERR_NODE_TIMEOUT when a node hangs and no timeout outcome is wired', async () => {
    const engine = await engineWith();
    engine.load(one('test.hang', { never: 'success' }));
    expect(await engine.start('one', { request })).toMatchObject({ status: 'failure', code: 'ERR_NODE_TIMEOUT' });
  });

  it('times out a short-timeout node that runs after a long-timeout asynchronous node in the same run', async () => {
    const slowOk = defineNode({ type: 'test.slow', version: 1, description: 'Answers later.', outcomes: ['next'], run: async () => 'next' });
    const engine = await createEngine({ nodes: [...testNodes, slowOk], limits: { nodeTimeoutMs: 60_000 } });
    engine.load({
      id: 'two',
      version: 1,
      description: 'Async step, then a hang.',
      start: 'a',
      nodes: { a: { type: 'test.slow', outcomes: { next: 'b' } }, b: { type: 'test.hang', outcomes: { never: 'success', timeout: 'failure' } } },
    });
    const r = await engine.start('two', { request });
    expect(r.trace.map((s) => s.outcome)).toEqual(['next', 'timeout']);
    expect(r.trace[1]!.ms).toBeLessThan(10_000);
  });

  it('fails with ERR_NODE_OUTCOME when a node returns an outcome its type does not declare', async () => {
    const engine = await engineWith();
    engine.load(one('test.liar', { yes: 'success' }));
    expect(await engine.start('one', { request })).toMatchObject({ status: 'failure', code: 'ERR_NODE_OUTCOME' });
  });

  it('stops a journey at maxSteps (the loop guard)', async () => {
    const engine = await engineWith({ limits: { maxSteps: 5 } });
    engine.load({
      id: 'loop',
      version: 1,
      description: 'Loops until it is asked to stop.',
      start: 'a',
      nodes: {
        a: { type: 'test.check', outcomes: { valid: 'success', invalid: 'b' } },
        b: { type: 'test.pass', outcomes: { next: 'a' } },
      },
    });
    const r = await engine.start('loop', { request });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_MAX_STEPS' });
    expect(r.trace).toHaveLength(5);
  });

  it('fails with ERR_JOURNEY_TOO_LARGE instead of persisting a journey over maxPersistedBytes', async () => {
    const engine = await engineWith();
    engine.load(loginFlow(1, { limits: { maxPersistedBytes: 200 } }));
    const r = await engine.start('login', { request, state: { big: 'x'.repeat(500) } });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_TOO_LARGE' });
  });

  it('refuses to load an invalid flow and never runs it', async () => {
    const engine = await engineWith();
    expect(() => engine.load(one('test.nope', { x: 'success' }))).toThrow(expect.objectContaining({ code: 'ERR_FLOW_INVALID' }));
    await expect(engine.start('one', { request })).rejects.toMatchObject({ code: 'ERR_FLOW_NOT_FOUND' });
  });

  it('rejects an invalid limit at construction, naming the key', async () => {
    await expect(createEngine({ limits: { maxSteps: 0 } })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', details: { key: 'limits.maxSteps' } });
  });
});

describe('engine: events', () => {
  it('emits started, step, suspended and finished events', async () => {
    const engine = await engineWith();
    const events: JourneyEvent[] = [];
    engine.on((e) => events.push(e));
    engine.load(loginFlow());
    const first = (await engine.start('login', { request })) as SuspendedResult;
    await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(events.map((e) => e.type)).toEqual(['journey.started', 'journey.step', 'journey.suspended', 'journey.step', 'journey.step', 'journey.finished']);
    expect(events.at(-1)).toMatchObject({ status: 'success', steps: 3 });
  });
});
