import { describe, expect, it } from '@jest/globals';
import { createEngine, type PushedResult } from '@waymark/core';
import { PARKED_JOURNEYS_MAX, ParkedJourneys } from '@waymark/core/internal';
import { defineNode, type RequestInfo } from '@waymark/sdk';

/*
 * A pushed journey redeemed by the engine that pushed it is read from what it sealed, without
 * decrypting (parked-journeys.ts): the same journey, the same errors, a bounded memory.
 */

const parRequest: RequestInfo = {
  ip: '198.51.100.7',
  headers: {},
  cookies: {},
  userAgent: 'app',
  method: 'POST',
  url: 'https://login.example.com/par',
};
const browserRequest: RequestInfo = { ip: '203.0.113.9', headers: {}, cookies: {}, userAgent: 'browser' };
const par = { clientId: 'session-transfer', ip: parRequest.ip, params: { subject_token: 'TOKEN', target: 'https://profile.example.com/' } };

const judge = defineNode({
  type: 'test.judge',
  version: 1,
  description: 'Judges the pushed token.',
  outcomes: ['good'],
  pushPhase: true,
  run(ctx) {
    ctx.state.sub = 'alice';
    ctx.secrets.kept = 'push secret';
    return 'good';
  },
});
const browse = defineNode({
  type: 'test.browse',
  version: 1,
  description: 'Needs the browser.',
  outcomes: ['done'],
  run(ctx) {
    ctx.state.sawSecret = ctx.secrets.kept ?? null;
    ctx.state.browsedAt = ctx.request.ip;
    return 'done';
  },
});
const flow = {
  id: 'handoff',
  version: 1,
  description: 'A push-phase check, then a browser step.',
  start: 'judge',
  nodes: { judge: { type: 'test.judge', outcomes: { good: 'browse' } }, browse: { type: 'test.browse', outcomes: { done: 'success' } } },
};
const key = Buffer.alloc(32, 7).toString('base64url');

async function engine() {
  const e = await createEngine({ nodes: [judge, browse], secretKeys: [key] });
  e.load(flow);
  return e;
}
const push = async (e: Awaited<ReturnType<typeof engine>>) => (await e.push('handoff', { request: parRequest, par })) as PushedResult;
const comparable = (r: object) => ({
  ...r,
  trace: (r as { trace: { node: string; outcome: string }[] }).trace.map((s) => [s.node, s.outcome]),
});

describe('ParkedJourneys', () => {
  it('gives the text back once, for the exact sealed string only', () => {
    const parked = new ParkedJourneys();
    parked.keep('j1', 'j1.sealed', '{"a":1}');
    expect(parked.take('j1', 'j1.other')).toBeUndefined(); // a different string is opened with the keys
    expect(parked.take('j1', 'j1.sealed')).toBe('{"a":1}'); // a mismatch did not consume it
    expect(parked.take('j1', 'j1.sealed')).toBeUndefined(); // once
  });

  it('holds at most its bound, forgetting the oldest first', () => {
    const parked = new ParkedJourneys(3);
    for (const id of ['a', 'b', 'c', 'd']) parked.keep(id, `${id}.s`, id);
    expect(parked.size).toBe(3);
    expect(parked.take('a', 'a.s')).toBeUndefined();
    expect(parked.take('d', 'd.s')).toBe('d');
    expect(PARKED_JOURNEYS_MAX).toBeGreaterThanOrEqual(256);
  });
});

describe('engine: a pushed journey redeemed by the engine that pushed it', () => {
  it('ends as when another engine with the same key opens it', async () => {
    const pusher = await engine();
    const [a, b] = [await push(pusher), await push(pusher)];
    const own = await pusher.redeem(a.sealed, { request: browserRequest });
    const other = await (await engine()).redeem(b.sealed, { request: browserRequest });
    expect(own).toMatchObject({ status: 'success', state: { sub: 'alice', sawSecret: 'push secret', browsedAt: '203.0.113.9' } });
    expect(comparable({ ...own, journeyId: 'x' })).toEqual(comparable({ ...other, journeyId: 'x' }));
  });

  it('still refuses a tampered string of a journey it parked, and then redeems the genuine one', async () => {
    const e = await engine();
    const pushed = await push(e);
    const [id, kid, iv, body, tag] = pushed.sealed.split('.') as [string, string, string, string, string];
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}`;
    await expect(e.redeem(`${id}.${kid}.${iv}.${flipped}.${tag}`, { request: browserRequest })).rejects.toMatchObject({
      code: 'ERR_JOURNEY_SEALED',
    });
    expect((await e.redeem(pushed.sealed, { request: browserRequest })).status).toBe('success');
  });

  it('redeems a string again, or one pushed before the bound was passed, by opening it', async () => {
    const e = await engine();
    const first = await push(e);
    for (let i = 0; i < PARKED_JOURNEYS_MAX; i++) await push(e);
    expect((await e.redeem(first.sealed, { request: browserRequest })).status).toBe('success');
    expect((await e.redeem(first.sealed, { request: browserRequest })).status).toBe('success'); // single use is the holder's (the pushed request store)
  });
});

describe('engine: a journey pushed inProcess (the caller keeps the reference in this process)', () => {
  const pushLocal = async (e: Awaited<ReturnType<typeof engine>>) =>
    (await e.push('handoff', { request: parRequest, par, inProcess: true })) as PushedResult;

  it('is kept unsealed: the caller holds only a reference, with nothing of the journey in it, and it ends as a sealed one does', async () => {
    const e = await engine();
    const local = await pushLocal(e);
    expect(local.sealed).toBe(`${local.journeyId}.in-process`);
    for (const secret of ['TOKEN', 'alice', 'push secret']) expect(local.sealed).not.toContain(secret);
    const sealed = await push(e);
    const viaReference = await e.redeem(local.sealed, { request: browserRequest });
    const viaSealed = await e.redeem(sealed.sealed, { request: browserRequest });
    expect(viaReference).toMatchObject({ status: 'success', state: { sub: 'alice', sawSecret: 'push secret', browsedAt: '203.0.113.9' } });
    expect(comparable({ ...viaReference, journeyId: 'x' })).toEqual(comparable({ ...viaSealed, journeyId: 'x' }));
  });

  it('is redeemed once, only by the engine that keeps it, and not after its flow timeout', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const e = await createEngine({ nodes: [judge, browse], secretKeys: [key], clock });
    e.load({ ...flow, timeout: 60 });
    const first = (await e.push('handoff', { request: parRequest, par, inProcess: true })) as PushedResult;
    await expect((await engine()).redeem(first.sealed, { request: browserRequest })).rejects.toMatchObject({
      code: 'ERR_JOURNEY_NOT_FOUND',
    });
    expect((await e.redeem(first.sealed, { request: browserRequest })).status).toBe('success');
    await expect(e.redeem(first.sealed, { request: browserRequest })).rejects.toMatchObject({ code: 'ERR_JOURNEY_NOT_FOUND' });
    const late = (await e.push('handoff', { request: parRequest, par, inProcess: true })) as PushedResult;
    now += 60_000;
    await expect(e.redeem(late.sealed, { request: browserRequest })).rejects.toMatchObject({ code: 'ERR_JOURNEY_NOT_FOUND' });
  });

  it('hands out a trace the redeem does not change afterwards', async () => {
    const e = await engine();
    const local = await pushLocal(e);
    const steps = local.trace.length;
    await e.redeem(local.sealed, { request: browserRequest });
    expect(local.trace).toHaveLength(steps);
  });
});
