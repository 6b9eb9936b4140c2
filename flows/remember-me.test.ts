import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll } from '@jest/globals';
import { createEngine, type Engine, type JourneyResult } from '@waymark/core';
import {
  builtinNodes,
  FileUserStore,
  HttpRiskProvider,
  locateIp,
  type RiskEvaluation,
  type RiskLevel,
  type RiskProvider,
  type CompletionStatus,
} from '@waymark/nodes';
import type { Callback, JsonObject } from '@waymark/sdk';
import { answerCallbacks, testClock, type TestClock } from '@waymark/testing';

const flow = JSON.parse(readFileSync(new URL('./remember-me.json', import.meta.url), 'utf8')) as { $schema: string; nodes: Record<string, { type: string }> };
const users = new FileUserStore(fileURLToPath(new URL('./fixtures/users.json', import.meta.url)));
const PASSWORD = 'correct horse battery staple';
const REMEMBER = '__Host-waymark-remember';
const SESSION = '__Host-waymark-session';
const KEY = randomBytes(32).toString('base64url');
const secretSource = { get: (name: string) => (name === 'remember-me-key' ? KEY : undefined) };

// Real addresses the bundled country database places (checked in beforeAll).
const LONDON = '81.2.69.142';
const LONDON_OTHER = '212.58.244.22';
const SINGAPORE = '203.116.1.1';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const HOUR = 3_600_000;

interface Visit {
  result: JourneyResult;
  /** node:outcome of every step, suspensions left out. */
  steps: string[];
  /** The text of every TextOutputCallback shown. */
  messages: string[];
  /** Whether the journey asked for a password. */
  askedPassword: boolean;
  /** Cookie names the browser saw cleared, on any response of the visit. */
  cleared: string[];
}

/** A browser on one device: a cookie jar, an address and a user agent that tests move around. */
class Browser {
  jar = new Map<string, string>();
  constructor(
    public ip: string,
    public userAgent: string,
  ) {}

  #apply(result: JourneyResult, cleared: string[]): void {
    for (const c of result.cookies) {
      if (c.value === null) {
        this.jar.delete(c.name);
        cleared.push(c.name);
      } else this.jar.set(c.name, c.value);
    }
  }

  /** Runs one journey; a password prompt gets `password`, a message gets "continue". */
  async visit(engine: Engine, password = PASSWORD): Promise<Visit> {
    const request = () => ({ ip: this.ip, headers: { 'user-agent': this.userAgent }, cookies: Object.fromEntries(this.jar), userAgent: this.userAgent });
    const messages: string[] = [];
    const cleared: string[] = [];
    let askedPassword = false;
    let result = await engine.start('remember-me', { request: request() });
    for (let turns = 0; result.status === 'suspended'; turns++) {
      if (turns > 10) throw new Error('too many suspensions');
      this.#apply(result, cleared);
      const callbacks: Callback[] = result.callbacks;
      for (const cb of callbacks) if (cb.type === 'TextOutputCallback') messages.push(String(cb.output.find((o) => o.name === 'message')?.value));
      const wantsPassword = callbacks.some((cb) => cb.type === 'PasswordCallback');
      askedPassword ||= wantsPassword;
      const answers = wantsPassword ? ['alice', password] : [];
      result = await engine.resume(result.journeyId, { request: request(), callbacks: answerCallbacks(callbacks, answers) });
    }
    this.#apply(result, cleared);
    const steps = result.trace.filter((s) => s.outcome !== 'suspended').map((s) => `${s.node}:${s.outcome}`);
    return { result, steps, messages, askedPassword, cleared };
  }
}

async function engineWith(clock: TestClock, services: Record<string, unknown> = {}): Promise<Engine> {
  const engine = await createEngine({ nodes: builtinNodes, clock, services: { users, secretSource, ...services } });
  engine.load(flow);
  return engine;
}

function riskOf(visit: Visit): JsonObject {
  if (visit.result.status === 'suspended') throw new Error('journey still suspended');
  return visit.result.state.risk as JsonObject;
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A risk service that answers a fixed level and records every completion it is told about. */
class ScriptedRisk implements RiskProvider {
  completions: { id: string; status: CompletionStatus }[] = [];
  #n = 0;
  constructor(public level: RiskLevel) {}
  async evaluate(): Promise<RiskEvaluation> {
    return { id: `eval-${++this.#n}`, level: this.level, score: { LOW: 10, MEDIUM: 50, HIGH: 90 }[this.level], details: {} };
  }
  async complete(id: string, status: CompletionStatus): Promise<void> {
    this.completions.push({ id, status });
  }
}

const FIRST_VISIT = [
  'checkCookie:missing',
  'collect:collected',
  'verify:valid',
  'evaluateLogin:low',
  'rememberDevice:done',
  'completeLogin:done',
  'createSession:created',
];
const SILENT = ['checkCookie:valid', 'evaluateRemembered:low', 'completeRemembered:done', 'signInRemembered:created'];

beforeAll(async () => {
  expect((await locateIp(LONDON))?.country).toBe('GB');
  expect((await locateIp(LONDON_OTHER))?.country).toBe('GB');
  expect((await locateIp(SINGAPORE))?.country).toBe('SG');
});

describe('flows/remember-me.json', () => {
  it('loads into the engine, names the published schema and uses built-in node types only', async () => {
    const engine = await createEngine({ nodes: builtinNodes });
    expect(engine.load(flow).id).toBe('remember-me');
    expect(flow.$schema).toBe('../packages/core/schema/flow.schema.json');
    const builtin = new Set(builtinNodes.map((n) => n.type));
    expect(Object.values(flow.nodes).filter((n) => !builtin.has(n.type))).toEqual([]);
  });

  it('first visit without a cookie: asks the password, risk LOW, sets the remember-me cookie with the session', async () => {
    const engine = await engineWith(testClock());
    const first = await new Browser(LONDON, FIREFOX).visit(engine);
    expect(first.result.status).toBe('success');
    expect(first.askedPassword).toBe(true);
    expect(first.steps).toEqual(FIRST_VISIT);
    expect(first.result.cookies.map((c) => c.name).sort()).toEqual(['__Host-waymark-device', REMEMBER, SESSION]);
    expect(first.result.status === 'success' && first.result.sub).toBe('user-alice');
  });

  it('second visit from the same device and place signs in silently: no callback, risk LOW, a new session', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(2 * HOUR);
    browser.ip = LONDON_OTHER; // same country, another address of the ISP
    const second = await browser.visit(engine, 'never asked');
    expect(second.result.status).toBe('success');
    expect(second.askedPassword).toBe(false);
    expect(second.messages).toEqual([]);
    expect(second.steps).toEqual(SILENT);
    expect(second.result.status === 'success' && second.result.sub).toBe('user-alice');
    expect(riskOf(second).level).toBe('LOW');
    expect(browser.jar.has(REMEMBER)).toBe(true);
  });

  it('tells the risk service the silent login succeeded (risk.feedback SUCCESS on the evaluation it made)', async () => {
    const clock = testClock();
    const risk = new ScriptedRisk('LOW');
    const engine = await engineWith(clock, { riskProvider: risk });
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(HOUR);
    const second = await browser.visit(engine);
    expect(second.steps).toEqual(SILENT);
    expect(risk.completions).toEqual([
      { id: 'eval-1', status: 'SUCCESS' },
      { id: 'eval-2', status: 'SUCCESS' },
    ]);
  });

  it('a new country an hour later (impossible travel) removes the cookie, shows risk HIGH, asks the password and does not set a new cookie', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    expect(browser.jar.has(REMEMBER)).toBe(true);
    clock.advance(HOUR);
    browser.ip = SINGAPORE;
    const visit = await browser.visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps.slice(0, 4)).toEqual(['checkCookie:valid', 'evaluateRemembered:high', 'forgetCookie:done', 'explainRisk:high']);
    expect(visit.messages).toEqual([expect.stringContaining('Risk level HIGH')]);
    expect(visit.askedPassword).toBe(true);
    expect(visit.cleared).toContain(REMEMBER);
    expect(visit.steps.slice(-4)).toEqual(['verify:valid', 'evaluateLogin:high', 'completeLogin:done', 'createSession:created']);
    expect(browser.jar.has(REMEMBER)).toBe(false);
    expect((riskOf(visit).details as JsonObject).impossibleTravel).toEqual(expect.objectContaining({ level: 'HIGH' }));
  });

  it('removes the cookie on the page that shows the risk, so leaving there does not keep the device remembered', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(HOUR);
    browser.ip = SINGAPORE;
    const shown = await engine.start('remember-me', { request: { ip: SINGAPORE, headers: {}, cookies: Object.fromEntries(browser.jar), userAgent: FIREFOX } });
    expect(shown.status).toBe('suspended');
    expect(shown.status === 'suspended' && shown.callbacks.map((c) => c.type)).toEqual(['TextOutputCallback']);
    expect(shown.cookies).toEqual([expect.objectContaining({ name: REMEMBER, value: null })]);
  });

  it('a bot user agent gets no cookie: risk HIGH (bot detected) and the login proceeds without remember me', async () => {
    const engine = await engineWith(testClock());
    const visit = await new Browser(LONDON, GOOGLEBOT).visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', 'collect:collected', 'verify:valid', 'evaluateLogin:high', 'completeLogin:done', 'createSession:created']);
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
    expect((riskOf(visit).details as JsonObject).botDetection).toEqual(expect.objectContaining({ level: 'HIGH' }));
  });

  it('a tampered cookie (subject changed, signature kept) is invalid: cleared, password asked, never a silent login', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    const [header, payload, signature] = (browser.jar.get(REMEMBER) ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    browser.jar.set(REMEMBER, [header, Buffer.from(JSON.stringify({ ...claims, sub: 'user-bob' })).toString('base64url'), signature].join('.'));
    clock.advance(HOUR);
    const visit = await browser.visit(engine);
    expect(visit.result.trace[0]).toEqual(expect.objectContaining({ node: 'checkCookie', outcome: 'invalid', reason: 'signature' }));
    expect(visit.askedPassword).toBe(true);
    expect(visit.cleared).toContain(REMEMBER);
    expect(visit.result.status === 'success' && visit.result.sub).toBe('user-alice');
  });

  it('with the risk service down (HTTP provider, closed port) the password login still succeeds, after a message, without a cookie', async () => {
    const port = await closedPort();
    const down = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env', token: 't', fetch: globalThis.fetch, timeoutMs: 2000 });
    const engine = await engineWith(testClock(), { riskProvider: down });
    const visit = await new Browser(LONDON, FIREFOX).visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', 'collect:collected', 'verify:valid', 'evaluateLogin:error', 'showLoginRiskUnavailable:shown', 'createSession:created']);
    expect(visit.result.trace.find((s) => s.node === 'evaluateLogin')?.reason).toBe('ERR_RISK_UNREACHABLE');
    expect(visit.messages).toEqual([expect.stringContaining('could not be reached')]);
    const names = visit.result.cookies.map((c) => c.name);
    expect(names).toContain(SESSION);
    expect(names).not.toContain(REMEMBER);
  });

  it('with the risk service down, a remembered device is not trusted: cookie removed, message, password asked', async () => {
    const clock = testClock();
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(await engineWith(clock, { riskProvider: new ScriptedRisk('LOW') }));
    expect(browser.jar.has(REMEMBER)).toBe(true);
    const port = await closedPort();
    const down = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env', token: 't', fetch: globalThis.fetch, timeoutMs: 2000 });
    const visit = await browser.visit(await engineWith(clock, { riskProvider: down }));
    expect(visit.steps.slice(0, 4)).toEqual(['checkCookie:valid', 'evaluateRemembered:error', 'forgetCookie:done', 'explainRisk:notEvaluated']);
    expect(visit.messages[0]).toContain('could not be evaluated');
    expect(visit.askedPassword).toBe(true);
    expect(visit.result.status).toBe('success');
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });

  it('risk MEDIUM: a remembered device shows MEDIUM and asks the password; a password login proceeds without a cookie', async () => {
    const clock = testClock();
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(await engineWith(clock, { riskProvider: new ScriptedRisk('LOW') }));
    const medium = new ScriptedRisk('MEDIUM');
    const visit = await browser.visit(await engineWith(clock, { riskProvider: medium }));
    expect(visit.steps).toEqual([
      'checkCookie:valid',
      'evaluateRemembered:medium',
      'forgetCookie:done',
      'explainRisk:medium',
      'showMediumRisk:shown',
      'collect:collected',
      'verify:valid',
      'evaluateLogin:medium',
      'completeLogin:done',
      'createSession:created',
    ]);
    expect(visit.messages).toEqual([expect.stringContaining('Risk level MEDIUM')]);
    expect(browser.jar.has(REMEMBER)).toBe(false);
    // Only the password login's evaluation is completed: the distrusted cookie's was not a login.
    expect(medium.completions).toEqual([{ id: 'eval-2', status: 'SUCCESS' }]);
  });

  it('a client error from the risk evaluation (no usable client IP) ends in failure after an error message, without a session', async () => {
    const engine = await engineWith(testClock());
    const visit = await new Browser('not-an-ip', FIREFOX).visit(engine);
    expect(visit.result.status).toBe('failure');
    expect(visit.steps.slice(-2)).toEqual(['evaluateLogin:clientError', 'showClientError:shown']);
    expect(visit.messages).toEqual([expect.stringContaining('client error')]);
    expect(visit.result.cookies).toEqual([]);
  });

  it('a wrong password asks again; five wrong ones lock and fail without any cookie', async () => {
    const engine = await engineWith(testClock());
    const visit = await new Browser(LONDON, FIREFOX).visit(engine, 'wrong password');
    expect(visit.result.status).toBe('failure');
    expect(visit.steps.filter((s) => s.startsWith('verify:'))).toEqual(['verify:invalid', 'verify:invalid', 'verify:invalid', 'verify:invalid', 'verify:locked']);
    expect(visit.result.cookies).toEqual([]);
  });

  it('without the cookie key (no secret source wired) the login still works, never remembered, and the misconfiguration is logged', async () => {
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) };
    const engine = await createEngine({ nodes: builtinNodes, clock: testClock(), logger, services: { users } });
    engine.load(flow);
    const visit = await new Browser(LONDON, FIREFOX).visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toContain('rememberDevice:error');
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
    expect(logged).toContain('node threw');
  });
});
