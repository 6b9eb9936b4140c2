import { describe, expect, it } from '@jest/globals';
import {
  createAuditor,
  createEngine,
  journeyAuditListener,
  journeyLogListener,
  MemoryAuditStore,
  MemoryJourneyLogStore,
  storeAuditSink,
  logAuditSink,
  type JourneyEvent,
  type SuspendedResult,
} from '@waymark/core';
import { defineNode, type AuditEvent, type AuditStore, type Logger } from '@waymark/sdk';
import { answer, clock, loginFlow, request, testNodes } from '../engine/helpers.js';

const key = Buffer.alloc(32, 7).toString('base64url');
const withId = { ...request, requestId: 'req-1' };
const client = { clientId: 'web-app', redirectTargets: [], redirectUris: [] };

/** One node that throws, with no `error` outcome wired. */
const boomFlow = {
  id: 'boom',
  version: 2,
  description: 'A pass, then a node that throws with nothing wired.',
  start: 'first',
  nodes: { first: { type: 'test.pass', outcomes: { next: 'explode' } }, explode: { type: 'test.boom', outcomes: { never: 'success' } } },
};

describe('engine: the failing node is in the trace', () => {
  it('a node that throws without a wired error outcome appears in the trace with its error code, and is the failure node', async () => {
    const engine = await createEngine({ nodes: testNodes, secretKeys: [key] });
    engine.load(boomFlow);
    const events: JourneyEvent[] = [];
    engine.on((e) => events.push(e));
    const r = await engine.start('boom', { request: withId, client });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED', node: 'explode' });
    expect(r.trace.map((s) => [s.node, s.outcome, s.code])).toEqual([
      ['first', 'next', undefined],
      ['explode', 'error', 'ERR_NODE_FAILED'],
    ]);
    expect(r.trace[1]).toMatchObject({ type: 'test.boom', reason: 'thrown' });
    const finished = events.at(-1) as Extract<JourneyEvent, { type: 'journey.finished' }>;
    expect(finished).toMatchObject({
      type: 'journey.finished',
      status: 'failure',
      code: 'ERR_NODE_FAILED',
      node: 'explode',
      requestId: 'req-1',
      client_id: 'web-app',
    });
    expect(events.every((e) => e.requestId === 'req-1' && e.client_id === 'web-app')).toBe(true);
  });

  it('a node past its timeout with nothing wired shows as a timeout step with ERR_NODE_TIMEOUT', async () => {
    const engine = await createEngine({ nodes: testNodes, secretKeys: [key] });
    engine.load({
      id: 'slow',
      version: 1,
      description: 'Hangs.',
      start: 'wait',
      nodes: { wait: { type: 'test.hang', outcomes: { never: 'success' } } },
    });
    const r = await engine.start('slow', { request });
    expect(r).toMatchObject({ status: 'failure', code: 'ERR_NODE_TIMEOUT', node: 'wait' });
    expect(r.trace).toEqual([expect.objectContaining({ node: 'wait', outcome: 'timeout', code: 'ERR_NODE_TIMEOUT' })]);
  });
});

describe('journeyAuditListener and journeyLogListener', () => {
  async function setUp() {
    const c = clock();
    const engine = await createEngine({ nodes: testNodes, secretKeys: [key], clock: c });
    engine.load(loginFlow());
    engine.load(boomFlow);
    const audit = new MemoryAuditStore();
    const log = new MemoryJourneyLogStore(c);
    const sink = storeAuditSink(audit);
    const auditor = createAuditor([sink], { clock: c });
    engine.on(journeyAuditListener(auditor));
    engine.on(journeyLogListener(log));
    return { engine, audit, log, sink, clock: c };
  }

  it('records journey.ended (success with session subject, failure with code, reason and node) and the journey log, live then finished', async () => {
    const { engine, audit, log, sink } = await setUp();
    const first = (await engine.start('login', { request: withId, client })) as SuspendedResult;
    await sink.flush();
    await new Promise((r) => setImmediate(r));
    expect(await log.get(first.journeyId)).toMatchObject({
      status: 'live',
      node: 'collect',
      client_id: 'web-app',
      requestId: 'req-1',
      flowId: 'login',
      flowVersion: 1,
    });
    const done = await engine.resume(first.journeyId, {
      request: { ...request, requestId: 'req-2' },
      callbacks: answer(first.callbacks, ['ada', 'wrong']),
    });
    expect(done.status).toBe('failure');
    await engine.start('boom', { request: withId, client });
    await sink.flush();
    await new Promise((r) => setImmediate(r));
    const { events } = await audit.query({ type: 'journey.ended' });
    expect(events).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        code: 'ERR_JOURNEY_FAILED',
        node: 'verify',
        flow: 'login@1',
        requestId: 'req-2',
        client_id: 'web-app',
        ip: request.ip,
        userAgent: 'jest',
      }),
      expect.objectContaining({
        outcome: 'failure',
        code: 'ERR_NODE_FAILED',
        node: 'explode',
        flow: 'boom@2',
        requestId: 'req-1',
        reason: expect.stringContaining('thrown'),
      }),
    ]);
    expect(events[0]!.reason).toContain('password');
    const finished = await log.get(first.journeyId);
    expect(finished).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED', node: 'verify', requestId: 'req-2' });
    expect(finished!.trace.map((s) => [s.node, s.outcome])).toEqual([
      ['collect', 'suspended'],
      ['collect', 'collected'],
      ['verify', 'invalid'],
    ]);
    // Nothing the user typed is in any of it.
    expect(JSON.stringify([events, finished])).not.toMatch(/wrong|ada"/);
  });

  it('a successful journey that created a session records journey.ended and session.created with the subject', async () => {
    const { engine, audit, sink } = await setUp();
    const first = (await engine.start('login', { request: withId, client })) as SuspendedResult;
    await engine.resume(first.journeyId, { request: withId, callbacks: answer(first.callbacks, ['ada', 'correct horse']) });
    await sink.flush();
    const types = (await audit.query({})).events.map((e) => [e.type, e.outcome, e.sub]);
    expect(types[0]).toEqual(['journey.ended', 'success', 'user:ada']);
  });
});

describe('audit sinks', () => {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  const logger: Logger = { debug() {}, info: (m, f) => lines.push([m, f]), warn() {}, error: (m, f) => lines.push([m, f]) };

  it('the store sink never throws at the caller: a failing store is logged and counted', async () => {
    const broken: AuditStore = {
      append: () => Promise.reject(Object.assign(new Error('down'), { code: 'ERR_STORE_UNAVAILABLE' })),
      query: async () => ({ events: [] }),
    };
    const failed: AuditEvent[] = [];
    const sink = storeAuditSink(broken, { logger, onFailure: (e) => failed.push(e) });
    const auditor = createAuditor([sink]);
    expect(() => auditor.emit({ type: 'par.refused', outcome: 'refused', requestId: 'r9' })).not.toThrow();
    await sink.flush();
    expect(sink.failures()).toBe(1);
    expect(failed).toHaveLength(1);
    expect(lines).toContainEqual(['audit event not kept', { type: 'par.refused', requestId: 'r9', code: 'ERR_STORE_UNAVAILABLE' }]);
  });

  it('the store sink drops past maxPending rather than queueing without bound', async () => {
    let release: () => void = () => {};
    const slow: AuditStore = { append: () => new Promise<void>((r) => (release = r)), query: async () => ({ events: [] }) };
    const sink = storeAuditSink(slow, { maxPending: 1 });
    const auditor = createAuditor([sink]);
    auditor.emit({ type: 'par.accepted', outcome: 'accepted' });
    auditor.emit({ type: 'par.accepted', outcome: 'accepted' });
    expect(sink.failures()).toBe(1);
    release();
    await sink.flush();
  });

  it('fans out to every sink (objects and functions); one that throws stops neither the others nor the caller', () => {
    const seen: string[] = [];
    const auditor = createAuditor(
      [
        () => {
          throw new Error('siem down');
        },
        (e) => seen.push(`fn:${e.type}`),
        logAuditSink(logger),
      ],
      { logger, clock: { now: () => 1000 } },
    );
    auditor.emit({ type: 'session.ended', outcome: 'ended', sub: 'u1', code: undefined });
    expect(seen).toEqual(['fn:session.ended']);
    const line = lines.find(([m]) => m === 'audit');
    expect(line?.[1]).toMatchObject({ type: 'session.ended', outcome: 'ended', sub: 'u1', time: 1000 });
    // Absent, not undefined.
    expect(Object.keys(line![1]!)).not.toContain('code');
  });

  it('ids are unique and sort by time', () => {
    let now = 5;
    const events: AuditEvent[] = [];
    const auditor = createAuditor([(e) => events.push(e)], { clock: { now: () => now } });
    for (let i = 0; i < 50; i++) {
      auditor.emit({ type: 'par.accepted', outcome: 'accepted' });
      now += i % 3 === 0 ? 1000 : 0;
    }
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(50);
    const byTime = [...events].sort((a, b) => a.time - b.time);
    expect(byTime.map((e) => e.id.slice(0, 9))).toEqual([...ids].sort().map((id) => id.slice(0, 9)));
  });
});

describe('request ids in the log lines nodes write', () => {
  const chatty = defineNode({
    type: 'test.chatty',
    version: 1,
    description: 'Writes a log line, with fields of its own.',
    outcomes: ['next'],
    run(ctx) {
      ctx.services.logger.warn('chatty: something to say', { detail: 'x' });
      return 'next';
    },
  });
  const flow = {
    id: 'chatty',
    version: 1,
    description: 'One node that logs.',
    start: 'talk',
    nodes: { talk: { type: 'test.chatty', outcomes: { next: 'success' } } },
  };

  it("a node's own log line carries the request id and the journey id next to its own fields", async () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m, f) => lines.push([m, f]), error() {} };
    const engine = await createEngine({ nodes: [...testNodes, chatty], secretKeys: [key], logger });
    engine.load(flow);
    const r = await engine.start('chatty', { request: withId });
    expect(r.status).toBe('success');
    expect(lines).toEqual([['chatty: something to say', { requestId: 'req-1', journeyId: r.journeyId, detail: 'x' }]]);
    // Without a request id (a CLI run), the journey id alone.
    lines.length = 0;
    const bare = await engine.start('chatty', { request });
    expect(lines).toEqual([['chatty: something to say', { journeyId: bare.journeyId, detail: 'x' }]]);
  });
});
