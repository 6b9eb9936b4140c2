import { describe, expect, it } from '@jest/globals';
import { createEngine, createMemoryStores, StoreUnavailableError, type FailureResult, type PushedResult } from '@waymark/core';
import { callbacks, defineNode, type JsonObject, type RequestInfo } from '@waymark/sdk';
import { clock } from './helpers.js';

/*
 * The push phase (`Engine.push`, then `Engine.redeem`): what runs at the PAR endpoint before the
 * browser comes, what waits for the browser, and what the sealed journey holds.
 */

const key = Buffer.alloc(32, 7).toString('base64url');
const otherKey = Buffer.alloc(32, 9).toString('base64url');
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.PUSHED-TOKEN-BODY.signature';

const parRequest: RequestInfo = { ip: '198.51.100.7', headers: { dpop: 'proof' }, cookies: {}, userAgent: 'app', method: 'POST', url: 'https://login.example.com/par' };
const browserRequest: RequestInfo = { ip: '203.0.113.9', headers: {}, cookies: { sid: 'x' }, userAgent: 'browser' };
const par = { clientId: 'session-transfer', ip: parRequest.ip, params: { subject_token: TOKEN, target: 'https://profile.example.com/' } };

/** A push-phase node: "validates" the pushed token, writes what it saw of the request. */
const judge = defineNode({
  type: 'test.judge',
  version: 1,
  description: 'Judges the pushed token.',
  outcomes: ['good', 'bad'],
  pushPhase: true,
  run(ctx) {
    ctx.state.judgedAt = ctx.request.ip;
    ctx.state.judgedWith = `${ctx.request.method ?? '-'} ${ctx.request.url ?? '-'} ${ctx.request.headers['dpop'] ?? '-'}`;
    if (ctx.par?.params['subject_token'] !== TOKEN) return { outcome: 'bad', reason: 'token' };
    ctx.state.sub = 'alice';
    ctx.secrets.kept = 'a secret of the push phase';
    return 'good';
  },
});

/** A browser-phase node (no opt-in): records where it ran. */
const browse = defineNode({
  type: 'test.browse',
  version: 1,
  description: 'Needs the browser.',
  outcomes: ['done'],
  run(ctx) {
    ctx.state.browsedAt = ctx.request.ip;
    ctx.state.sawSecret = ctx.secrets.kept ?? null;
    ctx.state.sawToken = ctx.par?.params['subject_token'] === TOKEN;
    ctx.effects.setCookie('session', 's1');
    return 'done';
  },
});

/** A push-phase node that breaks its contract: it asks for callbacks. */
const asker = defineNode({
  type: 'test.asker',
  version: 1,
  description: 'Asks for a name although it may run before the browser.',
  outcomes: ['done'],
  pushPhase: true,
  run(ctx) {
    return ctx.callbacks ? 'done' : ctx.suspend([callbacks.name('Name')]);
  },
});

/** Throws what a Redis store throws when the server is down. */
const outage = defineNode({
  type: 'test.outage',
  version: 1,
  description: 'Reaches a store that is down.',
  outcomes: ['done'],
  pushPhase: true,
  async run(ctx) {
    if (ctx.state.outage === true) throw new StoreUnavailableError('sessions', new Error('connection is closed'));
    return 'done';
  },
});

const nodes = [judge, browse, asker, outage];

function handoffFlow(id = 'handoff', extra: Record<string, unknown> = {}) {
  return {
    id,
    version: 1,
    description: 'A push-phase check, then a browser step.',
    start: 'judge',
    nodes: {
      judge: { type: 'test.judge', outcomes: { good: 'browse', bad: 'failure' } },
      browse: { type: 'test.browse', outcomes: { done: 'success' } },
    },
    ...extra,
  };
}

async function engineWith(options: Parameters<typeof createEngine>[0] = {}) {
  const engine = await createEngine({ nodes, secretKeys: [key], ...options });
  engine.load(handoffFlow());
  return engine;
}

describe('engine: the push phase', () => {
  it('runs the nodes that opt in on the PAR request, parks before the first browser node, and stores nothing', async () => {
    const stores = createMemoryStores();
    const puts: string[] = [];
    const put = stores.journeys.put.bind(stores.journeys);
    stores.journeys.put = async (id, value, revision, ttl) => {
      puts.push(id);
      return put(id, value, revision, ttl);
    };
    const engine = await engineWith({ stores });
    const pushed = (await engine.push('handoff', { request: parRequest, par, meta: { clientId: 'session-transfer' } })) as PushedResult;
    expect(pushed).toMatchObject({ status: 'pushed', flowId: 'handoff', flowVersion: 1, meta: { clientId: 'session-transfer' } });
    expect(pushed.trace.map((s) => [s.node, s.outcome])).toEqual([['judge', 'good']]);
    expect(puts).toEqual([]);
  });

  it('redeems the journey with the browser request: the browser node runs there, on the browser request, with the push phase state and secrets', async () => {
    const engine = await engineWith();
    const pushed = (await engine.push('handoff', { request: parRequest, par })) as PushedResult;
    const done = await engine.redeem(pushed.sealed, { request: browserRequest });
    expect(done.status).toBe('success');
    if (done.status !== 'success') return;
    expect(done.journeyId).toBe(pushed.journeyId);
    expect(done.trace.map((s) => s.node)).toEqual(['judge', 'browse']);
    expect(done.state).toMatchObject({
      judgedAt: '198.51.100.7',
      judgedWith: 'POST https://login.example.com/par proof',
      browsedAt: '203.0.113.9',
      sub: 'alice',
      sawSecret: 'a secret of the push phase', // the same namespace's secrets survive the wait, sealed
      sawToken: true,
    });
    expect(done.cookies).toEqual([{ name: 'session', value: 's1', options: {} }]);
  });

  it('ends a flow that reaches failure in the push phase with a failure result and the node reason', async () => {
    const engine = await engineWith();
    const refused = (await engine.push('handoff', { request: parRequest, par: { ...par, params: { subject_token: 'forged' } } })) as FailureResult;
    expect(refused).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED', nodeReason: 'token' });
    expect(refused.trace.map((s) => s.node)).toEqual(['judge']);
  });

  it('parks a flow that reaches success in the push phase: its cookies and redirect are for the browser', async () => {
    const engine = await engineWith();
    engine.load({ id: 'only-push', version: 1, description: 'Push nodes only.', start: 'judge', nodes: { judge: { type: 'test.judge', outcomes: { good: 'success', bad: 'failure' } } } });
    const pushed = await engine.push('only-push', { request: parRequest, par });
    expect(pushed.status).toBe('pushed');
    const done = await engine.redeem((pushed as PushedResult).sealed, { request: browserRequest });
    expect(done).toMatchObject({ status: 'success', sub: 'alice' });
  });

  it('never runs a node that did not opt in before the browser: a flow that starts with one parks at its start', async () => {
    const engine = await engineWith();
    engine.load({ id: 'browser-first', version: 1, description: 'Browser first.', start: 'browse', nodes: { browse: { type: 'test.browse', outcomes: { done: 'success' } } } });
    const pushed = (await engine.push('browser-first', { request: parRequest, par })) as PushedResult;
    expect(pushed.trace).toEqual([]);
    const done = await engine.redeem(pushed.sealed, { request: browserRequest });
    expect(done.status === 'success' && done.state.browsedAt).toBe('203.0.113.9');
  });

  it('fails a push-phase node that asks for callbacks (nobody can answer before the browser)', async () => {
    const engine = await engineWith();
    engine.load({ id: 'asking', version: 1, description: 'Asks early.', start: 'ask', nodes: { ask: { type: 'test.asker', outcomes: { done: 'success' } } } });
    expect(await engine.push('asking', { request: parRequest, par })).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED' });
  });
});

describe('engine: the sealed pushed journey', () => {
  it('holds neither the pushed token, nor a secret, nor the state in clear', async () => {
    const engine = await engineWith();
    const pushed = (await engine.push('handoff', { request: parRequest, par })) as PushedResult;
    expect(pushed.sealed).toMatch(new RegExp(`^${pushed.journeyId}\\.`));
    for (const clear of ['PUSHED-TOKEN-BODY', 'a secret of the push phase', 'alice', 'profile.example.com', '198.51.100.7'])
      expect(pushed.sealed).not.toContain(clear);
    expect(JSON.stringify(pushed)).not.toContain('PUSHED-TOKEN-BODY');
  });

  it('is redeemed by another engine with the same key (another process), and by no engine with another key', async () => {
    const pushed = (await (await engineWith()).push('handoff', { request: parRequest, par })) as PushedResult;
    expect((await (await engineWith()).redeem(pushed.sealed, { request: browserRequest })).status).toBe('success');
    const stranger = await engineWith({ secretKeys: [otherKey] });
    await expect(stranger.redeem(pushed.sealed, { request: browserRequest })).rejects.toMatchObject({ code: 'ERR_JOURNEY_SEALED' });
  });

  it('refuses a tampered or foreign string with ERR_JOURNEY_SEALED', async () => {
    const engine = await engineWith();
    const pushed = (await engine.push('handoff', { request: parRequest, par })) as PushedResult;
    const [id, kid, iv, body, tag] = pushed.sealed.split('.') as [string, string, string, string, string];
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}`;
    for (const bad of [`${id}.${kid}.${iv}.${flipped}.${tag}`, `${'x'.repeat(22)}.${kid}.${iv}.${body}.${tag}`, 'not-a-journey', ''])
      await expect(engine.redeem(bad, { request: browserRequest })).rejects.toMatchObject({ code: 'ERR_JOURNEY_SEALED' });
  });

  it('expires with the flow timeout, by the injected clock', async () => {
    const time = clock();
    const engine = await engineWith({ clock: time });
    engine.load(handoffFlow('short', { timeout: 60 }));
    const pushed = (await engine.push('short', { request: parRequest, par })) as PushedResult;
    time.advance(60_000);
    await expect(engine.redeem(pushed.sealed, { request: browserRequest })).rejects.toMatchObject({ code: 'ERR_JOURNEY_NOT_FOUND' });
  });

  it('gives the browser phase the authorization parameters it was pushed with, whether or not they are the pushed ones', async () => {
    const seen = defineNode({
      type: 'test.params',
      version: 1,
      description: 'Records the parameters.',
      outcomes: ['done'],
      run(ctx) {
        ctx.state.params = { ...ctx.params };
        return 'done';
      },
    });
    const engine = await engineWith();
    engine.registry.register(seen, 'inline');
    engine.load({ id: 'params', version: 1, description: 'Params.', start: 'p', nodes: { p: { type: 'test.params', outcomes: { done: 'success' } } } });
    const same = (await engine.push('params', { request: parRequest, par })) as PushedResult;
    expect(await engine.redeem(same.sealed, { request: browserRequest })).toMatchObject({ status: 'success', state: { params: par.params } });
    const other = (await engine.push('params', { request: parRequest, par, params: { scope: 'openid' } })) as PushedResult;
    expect(await engine.redeem(other.sealed, { request: browserRequest })).toMatchObject({ status: 'success', state: { params: { scope: 'openid' } } });
  });

  it('finishes on the flow version it was pushed on after a new version is loaded', async () => {
    const engine = await engineWith();
    const pushed = (await engine.push('handoff', { request: parRequest, par })) as PushedResult;
    engine.load({ ...handoffFlow(), version: 2, nodes: { judge: { type: 'test.judge', outcomes: { good: 'failure', bad: 'failure' } } } });
    expect(await engine.redeem(pushed.sealed, { request: browserRequest })).toMatchObject({ status: 'success', flowVersion: 1 });
  });
});

describe('engine: a store that is down', () => {
  const flow = (wireError: boolean) => ({
    id: wireError ? 'wired' : 'unwired',
    version: 1,
    description: 'Reaches a store.',
    start: 'reach',
    nodes: { reach: { type: 'test.outage', outcomes: { done: 'success', ...(wireError ? { error: 'failure' } : {}) } } },
  });
  const state: JsonObject = { outage: true };

  it.each([
    ['wires the error outcome', true],
    ['wires no error outcome', false],
  ])('surfaces ERR_STORE_UNAVAILABLE to the caller, never a journey failure, when the flow %s', async (_name, wired) => {
    const engine = await engineWith();
    engine.load(flow(wired));
    await expect(engine.start(flow(wired).id, { request: browserRequest, state })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await expect(engine.push(flow(wired).id, { request: parRequest, par, state })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('still follows the error outcome for any other error a node throws', async () => {
    const engine = await engineWith();
    const failing = defineNode({
      type: 'test.failing',
      version: 1,
      description: 'Throws a plain error.',
      outcomes: ['done'],
      run() {
        throw new Error('boom');
      },
    });
    engine.registry.register(failing, 'inline');
    engine.load({ id: 'plain', version: 1, description: 'Throws.', start: 'f', nodes: { f: { type: 'test.failing', outcomes: { done: 'success', error: 'failure' } } } });
    expect(await engine.start('plain', { request: browserRequest })).toMatchObject({ status: 'failure', nodeReason: 'thrown' });
  });
});
