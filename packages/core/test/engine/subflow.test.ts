import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  createEngine,
  createMemoryStores,
  engineNodes,
  FlowInvalidError,
  journeyLogListener,
  MemoryFlowStore,
  MemoryJourneyLogStore,
  NodeRegistry,
  validateFlow,
  type FailureResult,
  type SuccessResult,
  type SuspendedResult,
} from '@waymark/core';
import { defineNode } from '@waymark/sdk';
import { answer, clock, loginFlow, request, testNodes } from './helpers.js';

const key = Buffer.alloc(32, 5).toString('base64url');

/** Copies what it finds in its state to `seen` (to show what an isolated child sees), then passes. */
const look = defineNode({
  type: 'test.look',
  version: 1,
  description: 'Records the state keys it sees.',
  outcomes: ['next'],
  run(ctx) {
    ctx.state.seen = Object.keys(ctx.state).sort().join(',');
    ctx.state.visited = true;
    return 'next';
  },
});

async function engineWith(options: Parameters<typeof createEngine>[0] = {}) {
  return createEngine({ nodes: [...testNodes, look], secretKeys: [key], ...options });
}

/** A flow that runs `child` with `config`, wiring `success` to a pass, `failure` to failure. */
function caller(id: string, config: Record<string, unknown>, outcomes: Record<string, string> = {}, version = 1) {
  return {
    id,
    version,
    description: 'Calls a subflow.',
    start: 'call',
    nodes: {
      call: { type: 'flow.run', config, outcomes: { success: 'after', failure: 'failure', ...outcomes } },
      after: { type: 'test.pass', outcomes: { next: 'success' } },
    },
  };
}

function single(id: string, type: string, outcomes: Record<string, string>, version = 1) {
  return { id, version, description: `Runs ${type}.`, start: 'only', nodes: { only: { type, outcomes } } };
}

describe('flow.run: outcomes', () => {
  it('suspends the parent journey inside the child, resumes at the child node, and maps the child success to success (isolated state, input and output)', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    engine.load(
      caller('outer', {
        flow: 'login',
        input: { hint: 'params.login_hint', 'prior.count': 'state.count' },
        output: { 'result.sub': 'sub', who: 'username' },
      }),
    );
    const first = (await engine.start('outer', {
      request,
      params: { login_hint: 'ada' },
      state: { count: 4, secretish: 'parent only' },
    })) as SuspendedResult;
    expect(first.status).toBe('suspended');
    expect(first.stage).toBe('login');
    expect(first.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
    expect(first.trace).toEqual([
      {
        node: 'call',
        type: 'flow.run',
        outcome: 'suspended',
        ms: expect.any(Number),
        subflow: {
          flowId: 'login',
          flowVersion: 1,
          trace: [{ node: 'collect', type: 'test.ask', outcome: 'suspended', ms: expect.any(Number) }],
        },
      },
    ]);
    expect(await engine.pending(first.journeyId)).toMatchObject({ flowId: 'outer', stage: 'login' });

    const done = (await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, ['ada', 'correct horse']),
    })) as SuccessResult;
    expect(done.status).toBe('success');
    // The child's effects are the journey's: its cookie is on the parent's result.
    expect(done.cookies.map((c) => c.name)).toEqual(['remember']);
    // Isolated: the child's own keys stay in the child; only `output` comes back, `count` was the parent's own.
    expect(done.state).toEqual({ count: 5, secretish: 'parent only', result: { sub: 'user:ada' }, who: 'ada' });
    expect(done.trace.map((s) => [s.node, s.outcome, s.subflow?.trace.map((c) => [c.node, c.outcome])])).toEqual([
      ['call', 'suspended', [['collect', 'suspended']]],
      [
        'call',
        'success',
        [
          ['collect', 'collected'],
          ['verify', 'valid'],
        ],
      ],
      ['after', 'next', undefined],
    ]);
  });

  it('gives the isolated child only its input mappings (copies), and the parent only its output mappings', async () => {
    const engine = await engineWith();
    engine.load(single('peek', 'test.look', { next: 'success' }));
    engine.load(
      caller('outer', {
        flow: 'peek',
        input: { 'deep.name': 'state.user.name', missing: 'state.nothing' },
        output: { seenByChild: 'seen' },
      }),
    );
    const done = (await engine.start('outer', { request, state: { user: { name: 'ada' }, other: 1 } })) as SuccessResult;
    expect(done.state).toEqual({ user: { name: 'ada' }, other: 1, seenByChild: 'deep', count: 1 });
  });

  it('shares the parent state object with a shared child', async () => {
    const engine = await engineWith();
    engine.load(single('peek', 'test.look', { next: 'success' }));
    engine.load(caller('outer', { flow: 'peek', state: 'shared' }));
    const done = (await engine.start('outer', { request, state: { other: 1 } })) as SuccessResult;
    expect(done.state).toEqual({ other: 1, seen: 'other', visited: true, count: 1 });
  });

  it('maps the child failure to the failure outcome (output mappings still copied)', async () => {
    const engine = await engineWith();
    engine.load(loginFlow());
    engine.load(caller('outer', { flow: 'login', output: { tried: 'username' } }, { failure: 'after' }));
    const first = (await engine.start('outer', { request })) as SuspendedResult;
    const done = (await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'wrong']) })) as SuccessResult;
    expect(done.status).toBe('success');
    expect(done.state.tried).toBe('ada');
    expect(done.trace.map((s) => [s.node, s.outcome])).toEqual([
      ['call', 'suspended'],
      ['call', 'failure'],
      ['after', 'next'],
    ]);
    expect(done.trace[1]!.subflow!.trace.at(-1)).toMatchObject({ node: 'verify', outcome: 'invalid', reason: 'password' });
  });

  it('maps a child node that fails unwired to the error outcome (reason: the child code), and fails the journey when error is not wired', async () => {
    const engine = await engineWith();
    engine.load(single('explode', 'test.boom', { never: 'success' }));
    engine.load(caller('caught', { flow: 'explode' }, { error: 'after' }));
    engine.load(caller('uncaught', { flow: 'explode' }));
    const caught = (await engine.start('caught', { request })) as SuccessResult;
    expect(caught.status).toBe('success');
    expect(caught.trace[0]).toMatchObject({
      node: 'call',
      outcome: 'error',
      reason: 'ERR_NODE_FAILED',
      subflow: { flowId: 'explode', trace: [{ node: 'only', outcome: 'error', reason: 'thrown', code: 'ERR_NODE_FAILED' }] },
    });
    const uncaught = (await engine.start('uncaught', { request })) as FailureResult;
    expect(uncaught).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED', node: 'call' });
    expect(uncaught.trace[0]).toMatchObject({ node: 'call', outcome: 'error', code: 'ERR_NODE_FAILED', subflow: { flowId: 'explode' } });
  });

  it('maps a child node timeout to the timeout outcome', async () => {
    const engine = await engineWith();
    engine.load(single('slow', 'test.hang', { never: 'success' }));
    engine.load(caller('outer', { flow: 'slow' }, { timeout: 'after' }));
    const done = (await engine.start('outer', { request })) as SuccessResult;
    expect(done.status).toBe('success');
    expect(done.trace[0]).toMatchObject({
      node: 'call',
      outcome: 'timeout',
      subflow: { trace: [{ node: 'only', outcome: 'timeout', code: 'ERR_NODE_TIMEOUT' }] },
    });
  });
});

describe('flow.run: versions', () => {
  const child = (version: number) => ({ ...single('child', 'test.pass', { next: 'success' }, version), description: `child v${version}` });

  it('runs the pinned version, or the active one when unpinned; a suspended call resumes on the version it started on', async () => {
    const engine = await engineWith();
    engine.load(child(1));
    engine.load(child(2));
    engine.load(caller('pinned', { flow: 'child', version: 1 }));
    engine.load(caller('active', { flow: 'child' }));
    expect(((await engine.start('pinned', { request })) as SuccessResult).trace[0]!.subflow).toMatchObject({
      flowId: 'child',
      flowVersion: 1,
    });
    expect(((await engine.start('active', { request })) as SuccessResult).trace[0]!.subflow).toMatchObject({ flowVersion: 2 });
    engine.activate('child', 1);
    expect(((await engine.start('active', { request })) as SuccessResult).trace[0]!.subflow).toMatchObject({ flowVersion: 1 });

    engine.load(loginFlow(1));
    engine.load(caller('outer', { flow: 'login' }));
    const first = (await engine.start('outer', { request })) as SuspendedResult;
    engine.load(loginFlow(2)); // active now: its `count` step shows which version ran
    const done = (await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, ['ada', 'correct horse']),
    })) as SuccessResult;
    expect(done.trace[1]!.subflow).toMatchObject({ flowVersion: 1 });
    expect(done.trace[1]!.subflow!.trace.map((s) => s.node)).toEqual(['collect', 'verify']);
  });
});

describe('flow.run: validation', () => {
  const registry = () => {
    const r = new NodeRegistry();
    r.registerAll([...testNodes, ...engineNodes]);
    return r;
  };

  it('refuses a missing target flow and a missing pinned version, with the pointer and the fix', async () => {
    const engine = await engineWith();
    engine.load(single('child', 'test.pass', { next: 'success' }));
    let error: unknown;
    try {
      engine.load(caller('outer', { flow: 'chlid' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlowInvalidError);
    expect((error as FlowInvalidError).problems).toEqual([
      { code: 'ERR_FLOW_SUBFLOW_NOT_FOUND', pointer: '/nodes/call/config/flow', message: expect.stringContaining('Did you mean "child"?') },
    ]);
    expect(() => engine.load(caller('outer', { flow: 'child', version: 3 }))).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ code: 'ERR_FLOW_SUBFLOW_NOT_FOUND', pointer: '/nodes/call/config/version' })],
      }),
    );
  });

  it('refuses recursion, direct (even without a library) and through other flows, naming the cycle', async () => {
    const self = caller('loop', { flow: 'loop' });
    const alone = validateFlow(self, registry());
    expect(alone.ok).toBe(false);
    expect(!alone.ok && alone.problems).toEqual([
      { code: 'ERR_FLOW_RECURSION', pointer: '/nodes/call/config/flow', message: expect.stringContaining('(loop → loop)') },
    ]);

    const engine = await engineWith();
    engine.load(single('a', 'test.pass', { next: 'success' }));
    engine.load(caller('b', { flow: 'a' }));
    expect(() => engine.load(caller('a', { flow: 'b' }, {}, 2))).toThrow(
      expect.objectContaining({
        problems: [{ code: 'ERR_FLOW_RECURSION', pointer: '/nodes/call/config/flow', message: expect.stringContaining('(a → b → a)') }],
      }),
    );
    // Unchanged: version 1 stays active.
    expect(engine.flow('a')?.version).toBe(1);

    // A folder is loaded as one batch: a cycle between its files is named, not reported as a missing flow.
    const dir = mkdtempSync(join(tmpdir(), 'subflow-'));
    try {
      writeFileSync(join(dir, 'x.json'), JSON.stringify(caller('x', { flow: 'y' })));
      writeFileSync(join(dir, 'y.json'), JSON.stringify(caller('y', { flow: 'z', version: 1 })));
      writeFileSync(join(dir, 'z.json'), JSON.stringify(caller('z', { flow: 'x' })));
      const fresh = await engineWith();
      expect(() => fresh.loadDirectory(dir)).toThrow(
        /ERR_FLOW_RECURSION: node "call" runs flow "y", which leads back to this one \(x → y → z → x\)/,
      );
      // Without the cycle, forward references between files load.
      writeFileSync(join(dir, 'z.json'), JSON.stringify(single('z', 'test.pass', { next: 'success' })));
      expect((await engineWith()).loadDirectory(dir).map((f) => f.id)).toEqual(['x', 'y', 'z']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves what needs the library to the load when a single file is validated alone, but still checks the config', () => {
    const registryWithRun = registry();
    const lone = validateFlow(caller('outer', { flow: 'elsewhere', version: 9 }), registryWithRun);
    expect(lone.ok).toBe(true);
    const bad = validateFlow(caller('outer', { flow: 'elsewhere', state: 'shared', input: { x: 'state.y' }, extra: 1 }), registryWithRun);
    expect(!bad.ok && bad.problems.map((p) => [p.code, p.pointer])).toEqual([
      ['ERR_FLOW_CONFIG', '/nodes/call/config/extra'],
      ['ERR_FLOW_CONFIG', '/nodes/call/config/input'],
    ]);
  });
});

describe('flow.run: nesting, persistence and limits', () => {
  /** `levelN` calls `levelN+1`; the deepest asks for a login. */
  function chain(depth: number, shared = false) {
    const flows: object[] = [loginFlow()];
    for (let i = depth - 1; i >= 0; i--)
      flows.push(
        caller(
          `level${i}`,
          shared
            ? { flow: i === depth - 1 ? 'login' : `level${i + 1}`, state: 'shared' }
            : {
                flow: i === depth - 1 ? 'login' : `level${i + 1}`,
                input: { [`from${i}`]: i === 0 ? 'params.hint' : `state.from${i - 1}` },
                output: { [`back${i}`]: i === depth - 1 ? 'username' : `back${i + 1}` },
              },
        ),
      );
    return flows;
  }

  it('nests traces and keeps every call position and isolated state in the stored record across a resume (three levels deep)', async () => {
    const stores = createMemoryStores(clock());
    const engine = await engineWith({ stores });
    const log = new MemoryJourneyLogStore(clock());
    engine.on(journeyLogListener(log));
    for (const flow of chain(3)) engine.load(flow);
    const first = (await engine.start('level0', { request, params: { hint: 'h' } })) as SuspendedResult;
    expect(first.status).toBe('suspended');
    const stored = JSON.parse((await stores.journeys.get(first.journeyId))!.value) as { n: string; sub: unknown[] };
    expect(stored.n).toBe('call');
    expect(stored.sub).toEqual([
      { f: 'level1', fv: 1, n: 'call', s: { from0: 'h' } },
      { f: 'level2', fv: 1, n: 'call', s: { from1: 'h' } },
      { f: 'login', fv: 1, n: 'collect', s: { from2: 'h' } },
    ]);
    // The journey log keeps the nested trace (what the admin API serves).
    await new Promise((r) => setImmediate(r));
    const live = await log.get(first.journeyId);
    expect(live?.trace[0]?.subflow?.trace[0]?.subflow?.trace[0]?.subflow).toEqual({
      flowId: 'login',
      flowVersion: 1,
      trace: [{ node: 'collect', type: 'test.ask', outcome: 'suspended', ms: expect.any(Number) }],
    });

    const done = (await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, ['ada', 'correct horse']),
    })) as SuccessResult;
    expect(done.status).toBe('success');
    expect(done.state).toEqual({ back0: 'ada', count: 1 });
    const deepest = done.trace[1]!.subflow!.trace[0]!.subflow!.trace[0]!;
    expect(deepest).toMatchObject({ node: 'call', type: 'flow.run', outcome: 'success', subflow: { flowId: 'login' } });
    expect(deepest.subflow!.trace.map((s) => s.node)).toEqual(['collect', 'verify']);
    await new Promise((r) => setImmediate(r));
    expect((await log.get(first.journeyId))?.trace.map((s) => [s.node, s.outcome])).toEqual([
      ['call', 'suspended'],
      ['call', 'success'],
      ['after', 'next'],
    ]);
  });

  it('resumes at the child node that suspended, with the child state it had (the steps before it do not run again)', async () => {
    const engine = await engineWith();
    engine.load({
      id: 'counted',
      version: 1,
      description: 'Counts, then asks.',
      start: 'first',
      nodes: {
        first: { type: 'test.pass', outcomes: { next: 'collect' } },
        collect: { type: 'test.ask', outcomes: { collected: 'success' } },
      },
    });
    engine.load(caller('outer', { flow: 'counted', output: { childCount: 'count', name: 'username' } }));
    const first = (await engine.start('outer', { request })) as SuspendedResult;
    const done = (await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'x']) })) as SuccessResult;
    expect(done.trace[1]!.subflow!.trace.map((s) => [s.node, s.outcome])).toEqual([['collect', 'collected']]);
    expect(done.state).toEqual({ childCount: 1, name: 'ada', count: 1 });
    expect(done.trace.map((s) => s.node)).toEqual(['call', 'call', 'after']);
  });

  it('keeps a shared child on the caller state across a suspension', async () => {
    const engine = await engineWith();
    for (const flow of chain(2, true)) engine.load(flow);
    const first = (await engine.start('level0', { request, state: { before: 1 } })) as SuspendedResult;
    const done = (await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, ['ada', 'correct horse']),
    })) as SuccessResult;
    // One state for all: the login's keys, and both levels' `after` passes counted in it.
    expect(done.state).toEqual({ before: 1, username: 'ada', sub: 'user:ada', count: 2 });
  });

  it('fails the journey with ERR_SUBFLOW_DEPTH past maxSubflowDepth, the trace showing where', async () => {
    const engine = await engineWith({ limits: { maxSubflowDepth: 2 } });
    for (const flow of chain(3)) engine.load(flow);
    const done = (await engine.start('level0', { request })) as FailureResult;
    expect(done).toMatchObject({ status: 'failure', code: 'ERR_SUBFLOW_DEPTH' });
    expect(done.reason).toContain('maxSubflowDepth');
    expect(done.trace[0]!.subflow!.trace[0]!.subflow!.trace).toEqual([
      { node: 'call', type: 'flow.run', outcome: 'error', ms: 0, code: 'ERR_SUBFLOW_DEPTH' },
    ]);
    // Two levels are allowed.
    const ok = await engineWith({ limits: { maxSubflowDepth: 2 } });
    for (const flow of chain(2)) ok.load(flow);
    expect((await ok.start('level0', { request })).status).toBe('suspended');
  });

  it('counts the child steps against the journey maxSteps (the loop guard holds across calls)', async () => {
    const engine = await engineWith({ limits: { maxSteps: 3 } });
    engine.load({
      id: 'long',
      version: 1,
      description: 'Three passes.',
      start: 'a',
      nodes: {
        a: { type: 'test.pass', outcomes: { next: 'b' } },
        b: { type: 'test.pass', outcomes: { next: 'c' } },
        c: { type: 'test.pass', outcomes: { next: 'success' } },
      },
    });
    engine.load(caller('outer', { flow: 'long' }, { error: 'after' }));
    const done = (await engine.start('outer', { request })) as FailureResult;
    expect(done).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_MAX_STEPS' });
    expect(done.trace[0]).toMatchObject({ node: 'call', outcome: 'error', code: 'ERR_JOURNEY_MAX_STEPS' });
  });

  it('lets the child nodes see their own secret namespaces, as in any flow', async () => {
    const engine = await engineWith();
    engine.load({
      id: 'asker',
      version: 1,
      description: 'Asks.',
      start: 'collect',
      nodes: { collect: { type: 'test.ask', outcomes: { collected: 'success' } } },
    });
    engine.load({
      id: 'outer',
      version: 1,
      description: 'Asks in a child, checks in the parent, peeks from another namespace.',
      start: 'call',
      nodes: {
        call: { type: 'flow.run', config: { flow: 'asker' }, outcomes: { success: 'peek', failure: 'failure' } },
        peek: { type: 'other.peek', outcomes: { saw: 'failure', blind: 'verify' } },
        verify: { type: 'test.check', outcomes: { valid: 'success', invalid: 'failure' } },
      },
    });
    const first = (await engine.start('outer', { request })) as SuspendedResult;
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    expect(done.status).toBe('success');
    expect(done.trace.map((s) => s.outcome)).toEqual(['suspended', 'success', 'blind', 'valid']);
  });

  it('registers flow.run in every engine; a foreign type of that name clashes', async () => {
    const engine = await engineWith();
    expect(engine.registry.sourceOf('flow.run')).toBe('builtin');
    const impostor = defineNode({
      type: 'flow.run',
      version: 1,
      description: 'Not the real one.',
      outcomes: ['success'],
      run: () => 'success',
    });
    await expect(createEngine({ nodes: [impostor] })).rejects.toMatchObject({ code: 'ERR_NODE_TYPE_CLASH' });
    // An engine's own list can seed another (the real flow.run is not registered twice).
    await expect(createEngine({ nodes: engine.registry.list() })).resolves.toBeDefined();
  });
});

describe('flow.run: flows from a flow store', () => {
  it('syncFlows loads the calling flows as one batch and compiles the pinned versions they call from the store', async () => {
    const flowStore = new MemoryFlowStore();
    const save = (flow: Record<string, unknown>, activate = true) =>
      flowStore.saveVersion(
        { id: flow.id as string, version: flow.version as number, flow: flow as never, savedAt: 1, savedBy: 'admin' },
        null,
        { activate },
      );
    // `a` (saved first, listed first) calls `b` unpinned and `c` pinned to a version that is not active.
    await save({
      id: 'a',
      version: 1,
      description: 'Calls b, then c@1.',
      start: 'first',
      nodes: {
        first: { type: 'flow.run', config: { flow: 'b' }, outcomes: { success: 'second', failure: 'failure' } },
        second: { type: 'flow.run', config: { flow: 'c', version: 1 }, outcomes: { success: 'success', failure: 'failure' } },
      },
    });
    await save(single('b', 'test.pass', { next: 'success' }));
    await save(single('c', 'test.pass', { next: 'success' }, 1));
    await flowStore.saveVersion(
      { id: 'c', version: 2, flow: single('c', 'test.pass', { next: 'failure' }, 2) as never, savedAt: 2, savedBy: 'admin' },
      1,
    );
    const engine = await engineWith({ flowStore });
    const report = await engine.syncFlows();
    expect(report.refused).toEqual([]);
    expect(report.activated).toEqual([
      { id: 'a', version: 1 },
      { id: 'b', version: 1 },
      { id: 'c', version: 2 },
    ]);
    const done = (await engine.start('a', { request })) as SuccessResult;
    expect(done.trace.map((s) => [s.node, s.outcome, s.subflow?.flowId, s.subflow?.flowVersion])).toEqual([
      ['first', 'success', 'b', 1],
      ['second', 'success', 'c', 1],
    ]);
  });

  it('refuses at sync a stored flow whose calls make a cycle, and keeps serving the running version', async () => {
    const flowStore = new MemoryFlowStore();
    const engine = await engineWith({ flowStore });
    engine.load(single('x', 'test.pass', { next: 'success' }));
    await flowStore.saveVersion({ id: 'y', version: 1, flow: caller('y', { flow: 'x' }) as never, savedAt: 1, savedBy: 'admin' }, null);
    await flowStore.saveVersion(
      { id: 'x', version: 2, flow: caller('x', { flow: 'y' }, {}, 2) as never, savedAt: 1, savedBy: 'admin' },
      null,
    );
    const report = await engine.syncFlows();
    // Both members of the cycle are refused (each leads back to itself through the other).
    expect(report.refused.map((r) => [r.id, r.version])).toEqual([
      ['x', 2],
      ['y', 1],
    ]);
    expect(report.refused.map((r) => r.error.message)).toEqual([
      expect.stringContaining('ERR_FLOW_RECURSION: node "call" runs flow "y", which leads back to this one (x → y → x)'),
      expect.stringContaining('ERR_FLOW_RECURSION: node "call" runs flow "x", which leads back to this one (y → x → y)'),
    ]);
    expect(engine.flow('x')?.version).toBe(1);
  });
});

describe('flow.run: mappings cannot reach a prototype', () => {
  it('refuses __proto__, prototype and constructor in a mapped state path at load, naming the key', async () => {
    const engine = await engineWith();
    engine.load(single('child', 'test.pass', { next: 'success' }));
    expect(() =>
      engine.load(caller('outer', { flow: 'child', input: { '__proto__.polluted': 'state.x' }, output: { safe: 'constructor.name' } })),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({ code: 'ERR_FLOW_CONFIG', pointer: '/nodes/call/config/input/__proto__.polluted' }),
          expect.objectContaining({ code: 'ERR_FLOW_CONFIG', pointer: '/nodes/call/config/output/safe' }),
        ],
      }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
