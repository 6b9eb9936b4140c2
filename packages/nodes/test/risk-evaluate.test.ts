import { describe, it, expect } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import type { JsonObject, Stores } from '@waymark/sdk';
import { LocalRiskProvider, locateIp, riskEvaluate, riskFeedback, type RiskEvaluation, type RiskProvider } from '@waymark/nodes';
import { runNode, testClock, type RunNodeOptions, type TestClock } from '@waymark/testing';

/* Real addresses, resolved by the shipped geo-whois-asn-country database (the first test pins
 * these facts, so a data update that moves one fails loudly there, not mysteriously below). */
const DE = '217.160.0.1'; // IONOS, Germany
const DE2 = '195.244.0.1'; // another German network
const JP = '133.242.0.3'; // Sakura Internet, Japan
const FR = '80.67.169.12'; // FDN, France
const GB = '81.2.69.142'; // United Kingdom

const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const COOKIE = '__Host-waymark-device';
const HOUR = 3_600_000;

interface World {
  clock: TestClock;
  stores: Stores;
}

function world(): World {
  const clock = testClock();
  return { clock, stores: createMemoryStores(clock) };
}

interface Attempt {
  ip: string;
  ua?: string;
  device?: string;
  user?: string;
  config?: Record<string, unknown>;
  hints?: Record<string, string>;
}

function requestOf(a: Attempt): RunNodeOptions['request'] {
  return { ip: a.ip, headers: { 'user-agent': a.ua ?? CHROME_MAC, ...(a.hints ?? {}) }, cookies: a.device ? { [COOKIE]: a.device } : {} };
}

async function evaluate(w: World, a: Attempt) {
  return runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: a.user ?? 'alice' }, request: requestOf(a), config: a.config ?? {} });
}

/** Evaluates, then completes with `status`; returns the evaluation run and the device id in use. */
async function login(w: World, a: Attempt, status: 'SUCCESS' | 'FAILED' = 'SUCCESS') {
  const r = await evaluate(w, a);
  const device = a.device ?? r.effects.cookies.find((c) => c.name === COOKIE)?.value ?? undefined;
  const f = await runNode(riskFeedback, {
    clock: w.clock,
    stores: w.stores,
    state: r.state,
    secrets: r.secrets,
    request: requestOf({ ...a, device }),
    config: { status },
  });
  expect(f.outcome).toBe('done');
  return { r, device: device! };
}

function risk(state: JsonObject): { level: string; score: number; recommendedAction?: string; details: Record<string, { level: string; reason: string; score?: number }> } {
  return state.risk as never;
}

describe('geolocation data (real lookups in the shipped CC0 mmdb)', () => {
  it('locates the test addresses in the countries the tests assume', async () => {
    expect(await locateIp(DE)).toMatchObject({ country: 'DE' });
    expect(await locateIp(DE2)).toMatchObject({ country: 'DE' });
    expect(await locateIp(JP)).toMatchObject({ country: 'JP' });
    expect(await locateIp(FR)).toMatchObject({ country: 'FR' });
    expect(await locateIp(GB)).toMatchObject({ country: 'GB', lat: expect.any(Number), lon: expect.any(Number) });
    expect(await locateIp('2001:4860:4860::8888')).toMatchObject({ country: 'US' });
    expect(await locateIp(`::ffff:${DE}`)).toMatchObject({ country: 'DE' });
  });

  it('gives private, loopback and documentation ranges no location, even where the database answers', async () => {
    // The shipped database maps 192.168.1.1 and 203.0.113.7 to AU: they must not locate.
    for (const ip of ['10.0.0.1', '127.0.0.1', '192.168.1.1', '172.16.5.4', '203.0.113.7', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '2001:db8::1', 'not-an-ip']) {
      expect(await locateIp(ip)).toBeUndefined();
    }
  });
});

describe('risk.evaluate with the local provider', () => {
  it('is LOW the second time the same device logs in from the same place (outcome low)', async () => {
    const w = world();
    const first = await login(w, { ip: DE });
    expect(risk(first.r.state).details.newDevice!.level).toBe('MEDIUM'); // no history yet
    w.clock.advance(2 * HOUR);
    const second = await evaluate(w, { ip: DE, device: first.device });
    expect(second.outcome).toBe('low');
    expect(risk(second.state)).toMatchObject({ level: 'LOW', score: 0 });
    expect(risk(second.state).details.newDevice).toMatchObject({ level: 'LOW', reason: 'known device' });
    expect(risk(second.state).details.geolocation!.reason).toBe('country DE');
    expect(second.effects.cookies).toEqual([]); // the known cookie is kept, not replaced
  });

  it('flags impossible travel: Japan an hour after a success in Germany is HIGH (outcome high)', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    w.clock.advance(HOUR);
    const r = await evaluate(w, { ip: JP, device });
    expect(r.outcome).toBe('high');
    const travel = risk(r.state).details.impossibleTravel!;
    expect(travel.level).toBe('HIGH');
    expect(travel.reason).toMatch(/^impossible travel DE → JP: \d+ km in 60 min/);
    expect(risk(r.state).details.newDevice!.level).toBe('LOW');
  });

  it('accepts travel that is possible: France two hours after Germany, Japan 25 hours after', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    w.clock.advance(2 * HOUR);
    const france = await evaluate(w, { ip: FR, device });
    expect(risk(france.state).details.impossibleTravel).toMatchObject({ level: 'LOW', reason: expect.stringMatching(/^possible travel DE → FR/) });
    expect(france.outcome).toBe('low');
    w.clock.advance(23 * HOUR);
    const japan = await evaluate(w, { ip: JP, device });
    expect(risk(japan.state).details.impossibleTravel).toMatchObject({ level: 'LOW', reason: 'last successful login is over 24 h old' });
  });

  it('never counts a change of address within one country as travel', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    w.clock.advance(60_000);
    const r = await evaluate(w, { ip: DE2, device });
    expect(risk(r.state).details.impossibleTravel!.level).toBe('LOW');
    expect(r.outcome).toBe('low');
  });

  it('treats a private address as unlocated, not as an error', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    w.clock.advance(60_000);
    const r = await evaluate(w, { ip: '10.1.2.3', device });
    expect(r.outcome).toBe('low');
    expect(risk(r.state).details.geolocation!.reason).toMatch(/^no location/);
  });

  it('rates an unknown device of a user with history HIGH, and a cleared cookie on a known browser MEDIUM', async () => {
    const w = world();
    await login(w, { ip: DE });
    const stranger = await evaluate(w, { ip: DE, ua: FIREFOX_WIN });
    expect(risk(stranger.state).details.newDevice).toMatchObject({ level: 'HIGH', reason: 'new device' });
    expect(stranger.outcome).toBe('high');
    const cleared = await evaluate(w, { ip: DE });
    expect(risk(cleared.state).details.newDevice!.level).toBe('MEDIUM');
  });

  it('tells devices apart by client hints, ignoring brand versions', async () => {
    const w = world();
    const hints = { 'sec-ch-ua': '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"', 'sec-ch-ua-platform': '"macOS"' };
    const { device } = await login(w, { ip: DE, hints });
    const updated = { 'sec-ch-ua': '"Chromium";v="125", "Google Chrome";v="125", "Not/A)Brand";v="8"', 'sec-ch-ua-platform': '"macOS"' };
    expect(risk((await evaluate(w, { ip: DE, device, hints: updated })).state).details.newDevice!.level).toBe('LOW');
    const otherPlatform = { ...hints, 'sec-ch-ua-platform': '"Windows"' };
    expect(risk((await evaluate(w, { ip: DE, device, hints: otherPlatform })).state).details.newDevice!.level).toBe('MEDIUM');
  });

  it('issues a device cookie when there is none: HttpOnly, Secure, Lax, 400 days, and keeps it out of state', async () => {
    const w = world();
    const r = await evaluate(w, { ip: DE });
    const cookie = r.effects.cookies[0]!;
    expect(cookie.name).toBe(COOKIE);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cookie.options).toEqual({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 400 * 86_400 });
    expect(JSON.stringify(r.state)).not.toContain(cookie.value!);
    expect(r.secrets.deviceId).toBe(cookie.value);
    // A malformed cookie is replaced, not trusted.
    const forged = await evaluate(w, { ip: DE, device: 'x' });
    expect(forged.effects.cookies[0]!.value).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('routes a bot user agent to bot_mitigation when that action is configured', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    const r = await evaluate(w, { ip: DE, device, ua: GOOGLEBOT, config: { recommendedActions: ['BOT_MITIGATION'] } });
    expect(r.outcome).toBe('bot_mitigation');
    expect(risk(r.state)).toMatchObject({ recommendedAction: 'BOT_MITIGATION' });
    expect(risk(r.state).details.botDetection!.level).toBe('HIGH');
  });

  it('routes a bot by level when BOT_MITIGATION is not among the configured actions', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    const r = await evaluate(w, { ip: DE, device, ua: GOOGLEBOT });
    expect(r.outcome).toBe('high');
  });

  it('declares one outcome per configured recommended action, in lower case', () => {
    expect(typeof riskEvaluate.outcomes).toBe('function');
    const outcomes = (riskEvaluate.outcomes as (c: unknown) => readonly string[])({ recommendedActions: ['BOT_MITIGATION', 'DENY'] });
    expect([...outcomes].sort()).toEqual(['bot_mitigation', 'clientError', 'deny', 'error', 'exceed', 'high', 'low', 'medium'].sort());
  });

  it('goes to exceed when the score passes scoreThreshold, before a configured action', async () => {
    const w = world();
    // First-ever login by a bot: botDetection HIGH (75) + newDevice MEDIUM (37.5) = 112.5 > 100.
    const r = await evaluate(w, { ip: DE, ua: GOOGLEBOT, config: { scoreThreshold: 100, recommendedActions: ['BOT_MITIGATION'] } });
    expect(risk(r.state).score).toBe(112.5);
    expect(r).toMatchObject({ outcome: 'exceed', reason: 'score' });
  });

  it('raises the risk after many failures of the user (outcome high)', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    for (let n = 0; n < 5; n++) await login(w, { ip: DE, device }, 'FAILED');
    const r = await evaluate(w, { ip: DE, device });
    expect(risk(r.state).details.userVelocity).toMatchObject({ level: 'HIGH', reason: '5 failed logins for this user in the window' });
    expect(r.outcome).toBe('high');
    // A success resets the user's failures.
    await login(w, { ip: DE, device });
    expect(risk((await evaluate(w, { ip: DE, device })).state).details.userVelocity!.level).toBe('LOW');
  });

  it('is MEDIUM when failures of the user and the IP both climb (outcome medium)', async () => {
    const w = world();
    const config = { local: { failures: { ipMedium: 3 } } };
    const { device } = await login(w, { ip: DE, config });
    for (const user of ['alice', 'alice', 'alice']) await login(w, { ip: DE, device, user, config }, 'FAILED');
    const r = await evaluate(w, { ip: DE, device, config });
    expect(risk(r.state).details.userVelocity!.level).toBe('MEDIUM');
    expect(risk(r.state).details.ipVelocity!.level).toBe('MEDIUM');
    expect(risk(r.state).score).toBe(37.5 + 25);
    expect(r.outcome).toBe('medium');
  });

  it('forgets failures when their window has passed', async () => {
    const w = world();
    const { device } = await login(w, { ip: DE });
    for (let n = 0; n < 5; n++) await login(w, { ip: DE, device }, 'FAILED');
    w.clock.advance(HOUR + 1000);
    expect(risk((await evaluate(w, { ip: DE, device })).state).details.userVelocity!.level).toBe('LOW');
  });

  it('is a clientError when the journey has no user yet', async () => {
    const w = world();
    const r = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: {}, request: { ip: DE } });
    expect(r).toMatchObject({ outcome: 'clientError', reason: 'no_user' });
    expect(r.state.risk).toBeUndefined();
  });

  it('falls back to state.username when the userFrom key is absent', async () => {
    const w = world();
    const r = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { username: 'bob' }, request: { ip: DE, headers: { 'user-agent': CHROME_MAC } } });
    expect(r.outcome).toBe('low');
  });

  it('uses an injected services.riskProvider and goes to error when it throws', async () => {
    const w = world();
    const seen: string[] = [];
    const good: RiskProvider = {
      async evaluate(input) {
        seen.push(input.userId);
        return { id: 'e1', level: 'MEDIUM', score: 50, details: { custom: { level: 'MEDIUM', reason: 'because' } } };
      },
      async complete() {},
    };
    const ok = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: 'carol' }, request: { ip: DE }, services: { riskProvider: good } });
    expect(ok.outcome).toBe('medium');
    expect(ok.state.risk).toMatchObject({ id: 'e1', provider: 'service', level: 'MEDIUM', score: 50 });
    expect(seen).toEqual(['carol']);
    const bad: RiskProvider = { evaluate: () => Promise.reject(new Error('boom')), complete: async () => {} };
    const failed = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: 'carol' }, request: { ip: DE }, services: { riskProvider: bad } });
    expect(failed.outcome).toBe('error');
  });

  it('writes the outcome it routed to into state.risk (exceed, an action, a level)', async () => {
    const w = world();
    let answer: RiskEvaluation = { id: 'e1', level: 'HIGH', score: 400, recommendedAction: 'AITM_MITIGATION', details: {} };
    const scripted: RiskProvider = { evaluate: async () => answer, complete: async () => {} };
    const run = () => runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: 'carol' }, request: { ip: DE }, services: { riskProvider: scripted }, config: { recommendedActions: ['AITM_MITIGATION'] } });
    expect((await run()).state.risk).toMatchObject({ outcome: 'exceed' });
    answer = { ...answer, score: 80 };
    expect((await run()).state.risk).toMatchObject({ outcome: 'aitm_mitigation', recommendedAction: 'AITM_MITIGATION' });
    answer = { id: 'e2', level: 'MEDIUM', score: 50, details: {} };
    expect((await run()).state.risk).toMatchObject({ outcome: 'medium' });
  });

  it('leaves no earlier evaluation in state.risk when this one fails (error or clientError)', async () => {
    const w = world();
    const earlier = { id: 'old', provider: 'service', level: 'HIGH', score: 90, details: {}, outcome: 'high' };
    const down: RiskProvider = { evaluate: () => Promise.reject(new Error('down')), complete: async () => {} };
    const failed = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: 'carol', risk: earlier }, request: { ip: DE }, services: { riskProvider: down } });
    expect(failed.outcome).toBe('error');
    expect(failed.state.risk).toBeUndefined();
    const noIp = await runNode(riskEvaluate, { clock: w.clock, stores: w.stores, state: { sub: 'carol', risk: earlier }, request: { ip: 'not-an-ip' } });
    expect(noIp.outcome).toBe('clientError');
    expect(noIp.state.risk).toBeUndefined();
  });

  it('rejects a config that names the http provider without its http block, at load', async () => {
    await expect(runNode(riskEvaluate, { config: { provider: 'http' }, state: { sub: 'a' } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
    await expect(runNode(riskEvaluate, { config: { weights: {} }, state: { sub: 'a' } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
  });
});

describe('LocalRiskProvider', () => {
  it('completes an evaluation once: a replayed completion is refused', async () => {
    const w = world();
    const provider = new LocalRiskProvider({ stores: w.stores, clock: w.clock });
    const input = { ip: DE, userId: 'alice', userAgent: CHROME_MAC, deviceId: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const e = await provider.evaluate(input);
    await provider.complete(e.id, 'SUCCESS', input);
    await expect(provider.complete(e.id, 'SUCCESS', input)).rejects.toMatchObject({ code: 'ERR_RISK_UNKNOWN_EVALUATION' });
  });

  it('applies configured weights and thresholds', async () => {
    const w = world();
    const provider = new LocalRiskProvider({ stores: w.stores, clock: w.clock, options: { weights: { newDevice: 100 }, thresholds: { high: 50 } } });
    const e = await provider.evaluate({ ip: DE, userId: 'alice', userAgent: CHROME_MAC });
    expect(e).toMatchObject({ level: 'HIGH', score: 50 }); // MEDIUM new device (no history) = 100 / 2
  });
});
