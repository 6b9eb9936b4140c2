import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createEngine, NodeRegistry, validateFlow, type Engine, type JourneyResult } from '@waymark/core';
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

type FlowJson = { $schema: string; nodes: Record<string, { type: string; config?: Record<string, unknown>; outcomes: Record<string, string> }> };
const flow = JSON.parse(readFileSync(new URL('./remember-me.json', import.meta.url), 'utf8')) as FlowJson;
const users = new FileUserStore(fileURLToPath(new URL('./fixtures/users.json', import.meta.url)));
const PASSWORD = 'correct horse battery staple';
const REMEMBER = '__Host-waymark-remember';
const SESSION = '__Host-waymark-session';
const DEVICE = '__Host-waymark-device';
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

async function engineWith(clock: TestClock, services: Record<string, unknown> = {}, shape: unknown = flow): Promise<Engine> {
  const engine = await createEngine({ nodes: builtinNodes, clock, services: { users, secretSource, ...services } });
  engine.load(shape);
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
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A risk service that answers a fixed result and records every completion it is told about. */
class ScriptedRisk implements RiskProvider {
  completions: { id: string; status: CompletionStatus }[] = [];
  #n = 0;
  constructor(
    public level: RiskLevel,
    public extra: { score?: number; recommendedAction?: string } = {},
  ) {}
  async evaluate(): Promise<RiskEvaluation> {
    const score = this.extra.score ?? { LOW: 10, MEDIUM: 50, HIGH: 90 }[this.level];
    const evaluation: RiskEvaluation = { id: `eval-${++this.#n}`, level: this.level, score, details: {} };
    if (this.extra.recommendedAction !== undefined) evaluation.recommendedAction = this.extra.recommendedAction;
    return evaluation;
  }
  async complete(id: string, status: CompletionStatus): Promise<void> {
    this.completions.push({ id, status });
  }
}

/**
 * A PingOne Protect–shaped risk service on a local port (the real HTTP provider talks to it):
 * `POST …/riskEvaluations` answers `answer`, `PUT …/riskEvaluations/{id}/event` records the
 * completion and answers `completionStatus`.
 */
interface ProtectService {
  provider: HttpRiskProvider;
  answer: { level: RiskLevel; score: number; recommendedAction?: string };
  completionStatus: number;
  /** `POST` and `PUT id status` in the order the service received them. */
  calls: string[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text || '{}') as Record<string, unknown>;
}

async function protectService(): Promise<ProtectService> {
  let n = 0;
  const service = { answer: { level: 'LOW' as RiskLevel, score: 10 }, completionStatus: 200, calls: [] as string[] } as Omit<ProtectService, 'provider' | 'close'>;
  const server: Server = createServer((req, res) => {
    void body(req).then((json) => {
      const completion = /\/riskEvaluations\/([^/]+)\/event$/.exec(req.url ?? '');
      if (req.method === 'PUT' && completion) {
        service.calls.push(`PUT ${completion[1]} ${String(json.completionStatus)}`);
        res.writeHead(service.completionStatus, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      service.calls.push('POST');
      const { level, score, recommendedAction } = service.answer;
      const result = { level, score, ...(recommendedAction ? { recommendedAction: { type: recommendedAction } } : {}) };
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `protect-${++n}`, result, details: {} }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const provider = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env', token: 't', fetch: globalThis.fetch, timeoutMs: 2000 });
  return Object.assign(service, { provider, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** A browser that was remembered on a first, low-risk visit from London. */
async function remembered(clock: TestClock): Promise<Browser> {
  const browser = new Browser(LONDON, FIREFOX);
  await browser.visit(await engineWith(clock, { riskProvider: new ScriptedRisk('LOW') }));
  expect(browser.jar.has(REMEMBER)).toBe(true);
  clock.advance(HOUR);
  return browser;
}

const PASSWORD_LOGIN = ['collect:collected', 'verify:valid'];
const FIRST_VISIT = ['checkCookie:missing', ...PASSWORD_LOGIN, 'evaluateLogin:low', 'rememberDevice:done', 'completeLogin:done', 'createSession:created'];
const SILENT = ['checkCookie:valid', 'evaluateRemembered:low', 'completeRemembered:done', 'signInRemembered:created'];
/** A remembered device distrusted by `outcome`: reported, cookie removed, risk shown (`show`), password asked. */
const distrusted = (outcome: string, explained: string, show: string) => [
  'checkCookie:valid',
  `evaluateRemembered:${outcome}`,
  'reportDistrusted:done',
  'forgetCookie:done',
  `explainRisk:${explained}`,
  `${show}:shown`,
  ...PASSWORD_LOGIN,
];
/** A password login whose risk is `outcome` (not low): risk shown (`show`), reported, session without a cookie. */
const riskyLogin = (outcome: string, show: string) => [`evaluateLogin:${outcome}`, `${show}:shown`, 'completeLogin:done', 'createSession:created'];

let protect: ProtectService;

beforeAll(async () => {
  expect((await locateIp(LONDON))?.country).toBe('GB');
  expect((await locateIp(LONDON_OTHER))?.country).toBe('GB');
  expect((await locateIp(SINGAPORE))?.country).toBe('SG');
  protect = await protectService();
});
afterAll(async () => {
  await protect.close();
});

describe('flows/remember-me.json', () => {
  it('loads into the engine, names the published schema and uses built-in node types only', async () => {
    const engine = await createEngine({ nodes: builtinNodes });
    expect(engine.load(flow).id).toBe('remember-me');
    expect(flow.$schema).toBe('../packages/core/schema/flow.schema.json');
    const builtin = new Set(builtinNodes.map((n) => n.type));
    expect(Object.values(flow.nodes).filter((n) => !builtin.has(n.type))).toEqual([]);
  });

  it('maps BOT_MITIGATION and AITM_MITIGATION to outcomes of their own in both evaluations, never to low', () => {
    for (const id of ['evaluateRemembered', 'evaluateLogin']) {
      const node = flow.nodes[id];
      expect(node?.config?.recommendedActions).toEqual(['BOT_MITIGATION', 'AITM_MITIGATION']);
      expect(node?.outcomes.bot_mitigation).not.toBe(node?.outcomes.low);
      expect(node?.outcomes.aitm_mitigation).not.toBe(node?.outcomes.low);
    }
  });
});

describe('remember-me: a visit without the cookie (password login)', () => {
  it('risk LOW: asks the password, sets the remember-me cookie with the session and reports SUCCESS before the session', async () => {
    const risk = new ScriptedRisk('LOW');
    const first = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: risk }));
    expect(first.result.status).toBe('success');
    expect(first.askedPassword).toBe(true);
    expect(first.messages).toEqual([]);
    expect(first.steps).toEqual(FIRST_VISIT);
    expect(first.result.cookies.map((c) => c.name).sort()).toEqual([DEVICE, REMEMBER, SESSION]);
    expect(first.result.status === 'success' && first.result.sub).toBe('user-alice');
    expect(risk.completions).toEqual([{ id: 'eval-1', status: 'SUCCESS' }]);
  });

  it('risk MEDIUM: shows it, reports SUCCESS and signs in without the cookie', async () => {
    const risk = new ScriptedRisk('MEDIUM');
    const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: risk }));
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, ...riskyLogin('medium', 'showLoginMediumRisk')]);
    expect(visit.messages).toEqual(['Risk level MEDIUM: you are signed in, but this device will not be remembered.']);
    expect(visit.result.cookies.map((c) => c.name).sort()).toEqual([DEVICE, SESSION]);
    expect(risk.completions).toEqual([{ id: 'eval-1', status: 'SUCCESS' }]);
  });

  it('risk HIGH (impossible travel, local provider): shows it and signs in without the cookie', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    await new Browser(LONDON, FIREFOX).visit(engine);
    clock.advance(HOUR);
    const elsewhere = new Browser(SINGAPORE, FIREFOX); // another device, an hour later
    const visit = await elsewhere.visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, ...riskyLogin('high', 'showLoginHighRisk')]);
    expect(visit.messages).toEqual([expect.stringContaining('Risk level HIGH: you are signed in')]);
    expect(elsewhere.jar.has(REMEMBER)).toBe(false);
    expect((riskOf(visit).details as JsonObject).impossibleTravel).toEqual(expect.objectContaining({ level: 'HIGH' }));
  });

  it('a score above the threshold (exceed): shows it and signs in without the cookie', async () => {
    const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: new ScriptedRisk('HIGH', { score: 450 }) }));
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, ...riskyLogin('exceed', 'showLoginScoreRisk')]);
    expect(visit.messages).toEqual([expect.stringContaining('Risk score above the threshold')]);
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
  });

  it('a bot (local provider, BOT_MITIGATION): its own outcome, shown, login proceeds without the cookie', async () => {
    const visit = await new Browser(LONDON, GOOGLEBOT).visit(await engineWith(testClock()));
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, ...riskyLogin('bot_mitigation', 'showLoginBotRisk')]);
    expect(visit.messages).toEqual([expect.stringContaining('(BOT_MITIGATION)')]);
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
    expect(riskOf(visit)).toMatchObject({ level: 'HIGH', recommendedAction: 'BOT_MITIGATION', outcome: 'bot_mitigation' });
  });

  it('AITM_MITIGATION from a Protect-shaped service over HTTP: its own outcome even with a LOW level, shown, reported, no cookie', async () => {
    protect.answer = { level: 'LOW', score: 20, recommendedAction: 'AITM_MITIGATION' };
    protect.calls = [];
    const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: protect.provider }));
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, ...riskyLogin('aitm_mitigation', 'showLoginAitmRisk')]);
    expect(visit.messages).toEqual([expect.stringContaining('(AITM_MITIGATION)')]);
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
    expect(protect.calls).toEqual(['POST', expect.stringMatching(/^PUT protect-\d+ SUCCESS$/)]);
  });

  it('with the risk service down (HTTP provider, closed port): a message, then the session without a cookie', async () => {
    const port = await closedPort();
    const down = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env', token: 't', fetch: globalThis.fetch, timeoutMs: 2000 });
    const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: down }));
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, 'evaluateLogin:error', 'showLoginRiskUnavailable:shown', 'createSession:created']);
    expect(visit.result.trace.find((s) => s.node === 'evaluateLogin')?.reason).toBe('ERR_RISK_UNREACHABLE');
    expect(visit.messages).toEqual([expect.stringContaining('could not be reached')]);
    const names = visit.result.cookies.map((c) => c.name);
    expect(names).toContain(SESSION);
    expect(names).not.toContain(REMEMBER);
  });

  it('a client error (no usable client IP): an error message, then failure, no session, no cookie touched', async () => {
    const visit = await new Browser('not-an-ip', FIREFOX).visit(await engineWith(testClock()));
    expect(visit.result.status).toBe('failure');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, 'evaluateLogin:clientError', 'showClientError:shown']);
    expect(visit.messages).toEqual([expect.stringContaining('client error')]);
    expect(visit.result.cookies).toEqual([]);
  });

  it('a wrong password ends the journey in failure (the data-store decision goes to failure), no risk evaluated, no cookie', async () => {
    const risk = new ScriptedRisk('LOW');
    const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: risk }), 'wrong password');
    expect(visit.result.status).toBe('failure');
    expect(visit.steps).toEqual(['checkCookie:missing', 'collect:collected', 'verify:invalid']);
    expect(visit.result.cookies).toEqual([]);
    expect(risk.completions).toEqual([]);
  });

  it('a locked account fails at once, even with the right password', async () => {
    const engine = await engineWith(testClock());
    for (let i = 0; i < 5; i++) await new Browser(LONDON, FIREFOX).visit(engine, 'wrong password');
    const visit = await new Browser(LONDON, FIREFOX).visit(engine);
    expect(visit.result.status).toBe('failure');
    expect(visit.steps).toEqual(['checkCookie:missing', 'collect:collected', 'verify:locked']);
  });

  it('without the cookie key (no secret source wired) the login still works, never remembered, and the misconfiguration is logged', async () => {
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) };
    const engine = await createEngine({ nodes: builtinNodes, clock: testClock(), logger, services: { users } });
    engine.load(flow);
    const visit = await new Browser(LONDON, FIREFOX).visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, 'evaluateLogin:low', 'rememberDevice:error', 'completeLogin:done', 'createSession:created']);
    expect(visit.result.cookies.map((c) => c.name)).not.toContain(REMEMBER);
    expect(logged).toContain('node threw');
  });

  it('when reporting the result fails (Protect answers 500 to the completion) the login still proceeds', async () => {
    protect.answer = { level: 'LOW', score: 10 };
    protect.completionStatus = 500;
    try {
      const visit = await new Browser(LONDON, FIREFOX).visit(await engineWith(testClock(), { riskProvider: protect.provider }));
      expect(visit.result.status).toBe('success');
      expect(visit.steps).toEqual(['checkCookie:missing', ...PASSWORD_LOGIN, 'evaluateLogin:low', 'rememberDevice:done', 'completeLogin:error', 'createSession:created']);
      expect(visit.result.trace.find((s) => s.node === 'completeLogin')?.reason).toBe('ERR_RISK_STATUS');
    } finally {
      protect.completionStatus = 200;
    }
  });

  it('a live session of another user in the browser is never switched: conflict, failure', async () => {
    const clock = testClock();
    const engine = await engineWith(clock, { riskProvider: new ScriptedRisk('LOW') });
    const now = clock.now();
    const bob = 'B'.repeat(43);
    await engine.stores.sessions.put({ id: bob, sub: 'user-bob', createdAt: now, lastSeenAt: now, idleSeconds: 1800, expiresAt: now + HOUR, authTime: now, amr: ['pwd'] });
    const browser = new Browser(LONDON, FIREFOX);
    browser.jar.set(SESSION, bob);
    const visit = await browser.visit(engine);
    expect(visit.result.status).toBe('failure');
    expect(visit.steps.slice(-2)).toEqual(['completeLogin:done', 'createSession:conflict']);
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });
});

describe('remember-me: a visit with the cookie', () => {
  it('risk LOW: signs in silently (no callback), reporting SUCCESS before the new session', async () => {
    const clock = testClock();
    const risk = new ScriptedRisk('LOW');
    const engine = await engineWith(clock, { riskProvider: risk });
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(2 * HOUR);
    browser.ip = LONDON_OTHER;
    const second = await browser.visit(engine, 'never asked');
    expect(second.result.status).toBe('success');
    expect(second.askedPassword).toBe(false);
    expect(second.messages).toEqual([]);
    expect(second.steps).toEqual(SILENT);
    expect(second.result.status === 'success' && second.result.sub).toBe('user-alice');
    expect(risk.completions).toEqual([
      { id: 'eval-1', status: 'SUCCESS' },
      { id: 'eval-2', status: 'SUCCESS' },
    ]);
    expect(browser.jar.has(REMEMBER)).toBe(true);
  });

  it('risk LOW with the local provider: same device, same country, another address', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(2 * HOUR);
    browser.ip = LONDON_OTHER;
    const second = await browser.visit(engine, 'never asked');
    expect(second.steps).toEqual(SILENT);
    expect(riskOf(second)).toMatchObject({ level: 'LOW', outcome: 'low' });
  });

  it('risk MEDIUM: reports FAILED, removes the cookie, shows MEDIUM, asks the password; that login gets no new cookie', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const medium = new ScriptedRisk('MEDIUM');
    const visit = await browser.visit(await engineWith(clock, { riskProvider: medium }));
    expect(visit.steps).toEqual([...distrusted('medium', 'medium', 'showMediumRisk'), ...riskyLogin('medium', 'showLoginMediumRisk')]);
    expect(visit.messages).toEqual([expect.stringContaining('Risk level MEDIUM: something about this sign-in changed'), expect.stringContaining('Risk level MEDIUM: you are signed in')]);
    expect(new Set(visit.cleared)).toEqual(new Set([REMEMBER]));
    expect(browser.jar.has(REMEMBER)).toBe(false);
    // The distrusted cookie's evaluation is reported FAILED, the password login's SUCCESS.
    expect(medium.completions).toEqual([
      { id: 'eval-1', status: 'FAILED' },
      { id: 'eval-2', status: 'SUCCESS' },
    ]);
  });

  it('risk HIGH (a new country an hour later: impossible travel): cookie removed, HIGH shown, password asked, no new cookie', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(HOUR);
    browser.ip = SINGAPORE;
    const visit = await browser.visit(engine);
    expect(visit.result.status).toBe('success');
    expect(visit.steps).toEqual([...distrusted('high', 'high', 'showHighRisk'), ...riskyLogin('high', 'showLoginHighRisk')]);
    expect(visit.messages[0]).toContain('Risk level HIGH: this sign-in does not look like your usual ones');
    expect(visit.cleared).toContain(REMEMBER);
    expect(browser.jar.has(REMEMBER)).toBe(false);
    expect((riskOf(visit).details as JsonObject).impossibleTravel).toEqual(expect.objectContaining({ level: 'HIGH' }));
  });

  it('removes the cookie on the page that shows the risk, so leaving there does not keep the device remembered', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(HOUR);
    const shown = await engine.start('remember-me', { request: { ip: SINGAPORE, headers: {}, cookies: Object.fromEntries(browser.jar), userAgent: FIREFOX } });
    expect(shown.status).toBe('suspended');
    expect(shown.status === 'suspended' && shown.callbacks.map((c) => c.type)).toEqual(['TextOutputCallback']);
    expect(shown.cookies).toEqual([expect.objectContaining({ name: REMEMBER, value: null })]);
  });

  it('a score above the threshold (exceed): reported FAILED, cookie removed, shown, password asked', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const risk = new ScriptedRisk('HIGH', { score: 500 });
    const visit = await browser.visit(await engineWith(clock, { riskProvider: risk }));
    expect(visit.steps).toEqual([...distrusted('exceed', 'exceed', 'showScoreRisk'), ...riskyLogin('exceed', 'showLoginScoreRisk')]);
    expect(visit.messages[0]).toContain('Risk score above the threshold: this device is no longer remembered');
    expect(risk.completions[0]).toEqual({ id: 'eval-1', status: 'FAILED' });
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });

  it('a bot on a remembered device (BOT_MITIGATION, local provider): never low, reported, cookie removed, shown', async () => {
    const clock = testClock();
    const engine = await engineWith(clock);
    const browser = new Browser(LONDON, FIREFOX);
    await browser.visit(engine);
    clock.advance(HOUR);
    browser.userAgent = GOOGLEBOT;
    const visit = await browser.visit(engine);
    expect(visit.steps).toEqual([...distrusted('bot_mitigation', 'bot_mitigation', 'showBotRisk'), ...riskyLogin('bot_mitigation', 'showLoginBotRisk')]);
    expect(visit.messages[0]).toContain('automated access suspected (BOT_MITIGATION), so this device is no longer remembered');
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });

  it('AITM_MITIGATION over HTTP: the service hears FAILED for the cookie\'s evaluation before the cookie is removed, then SUCCESS for the login', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    protect.answer = { level: 'MEDIUM', score: 45, recommendedAction: 'AITM_MITIGATION' };
    protect.calls = [];
    const engine = await engineWith(clock, { riskProvider: protect.provider });
    const shown = await engine.start('remember-me', { request: { ip: LONDON, headers: {}, cookies: Object.fromEntries(browser.jar), userAgent: FIREFOX } });
    // The page that shows the risk: the FAILED completion has reached the service already.
    expect(shown.status === 'suspended' && shown.cookies).toEqual([expect.objectContaining({ name: REMEMBER, value: null })]);
    expect(protect.calls).toEqual(['POST', expect.stringMatching(/^PUT protect-\d+ FAILED$/)]);
    const visit = await browser.visit(engine);
    expect(visit.steps).toEqual([...distrusted('aitm_mitigation', 'aitm_mitigation', 'showAitmRisk'), ...riskyLogin('aitm_mitigation', 'showLoginAitmRisk')]);
    expect(visit.messages[0]).toContain('adversary in the middle (AITM_MITIGATION), so this device is no longer remembered');
    expect(protect.calls.slice(2)).toEqual(['POST', expect.stringMatching(/ FAILED$/), 'POST', expect.stringMatching(/ SUCCESS$/)]);
  });

  it('with the risk service down, a remembered device is not trusted: nothing to report, cookie removed, message, password asked', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const port = await closedPort();
    const down = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env', token: 't', fetch: globalThis.fetch, timeoutMs: 2000 });
    const visit = await browser.visit(await engineWith(clock, { riskProvider: down }));
    expect(visit.steps.slice(0, 6)).toEqual(['checkCookie:valid', 'evaluateRemembered:error', 'reportDistrusted:error', 'forgetCookie:done', 'explainRisk:notEvaluated', 'showRiskUnavailable:shown']);
    expect(visit.result.trace.find((s) => s.node === 'reportDistrusted')?.reason).toBe('no_evaluation');
    expect(visit.messages[0]).toContain('could not be evaluated');
    expect(visit.askedPassword).toBe(true);
    expect(visit.result.status).toBe('success');
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });

  it('when reporting a LOW result fails, the silent sign-in still proceeds', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    protect.answer = { level: 'LOW', score: 5 };
    protect.completionStatus = 503;
    try {
      const visit = await browser.visit(await engineWith(clock, { riskProvider: protect.provider }), 'never asked');
      expect(visit.steps).toEqual(['checkCookie:valid', 'evaluateRemembered:low', 'completeRemembered:error', 'signInRemembered:created']);
      expect(visit.askedPassword).toBe(false);
    } finally {
      protect.completionStatus = 200;
    }
  });

  it('a client error (no usable client IP): an error message and failure, the cookie left as it is', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const cookie = browser.jar.get(REMEMBER);
    browser.ip = 'not-an-ip';
    const visit = await browser.visit(await engineWith(clock));
    expect(visit.result.status).toBe('failure');
    expect(visit.steps).toEqual(['checkCookie:valid', 'evaluateRemembered:clientError', 'showClientError:shown']);
    expect(visit.messages).toEqual([expect.stringContaining('client error')]);
    expect(visit.cleared).toEqual([]);
    expect(visit.result.cookies).toEqual([]);
    expect(browser.jar.get(REMEMBER)).toBe(cookie);
  });

  it('a wrong password after the cookie was distrusted ends the journey; the cookie stays removed', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const visit = await browser.visit(await engineWith(clock, { riskProvider: new ScriptedRisk('HIGH') }), 'wrong password');
    expect(visit.result.status).toBe('failure');
    expect(visit.steps.slice(-2)).toEqual(['collect:collected', 'verify:invalid']);
    expect(browser.jar.has(REMEMBER)).toBe(false);
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

  it('a cookie the node cannot check (its key is gone from the secret source) is an error: password login', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const keyless = await createEngine({ nodes: builtinNodes, clock, logger: { debug() {}, info() {}, warn() {}, error() {} }, services: { users, riskProvider: new ScriptedRisk('LOW') } });
    keyless.load(flow);
    const visit = await browser.visit(keyless);
    expect(visit.steps.slice(0, 3)).toEqual(['checkCookie:error', ...PASSWORD_LOGIN]);
    expect(visit.result.status).toBe('success');
  });

  it('a remembered user whose browser holds another user\'s live session is not switched: conflict, failure', async () => {
    const clock = testClock();
    const browser = await remembered(clock);
    const engine = await engineWith(clock, { riskProvider: new ScriptedRisk('LOW') });
    const now = clock.now();
    const bob = 'C'.repeat(43);
    await engine.stores.sessions.put({ id: bob, sub: 'user-bob', createdAt: now, lastSeenAt: now, idleSeconds: 1800, expiresAt: now + HOUR, authTime: now, amr: ['pwd'] });
    browser.jar.set(SESSION, bob);
    const visit = await browser.visit(engine);
    expect(visit.result.status).toBe('failure');
    expect(visit.steps).toEqual(['checkCookie:valid', 'evaluateRemembered:low', 'completeRemembered:done', 'signInRemembered:conflict']);
  });
});

/** The first ```json block after the README's "remember-me with the article's cookie" heading. */
function articleCookieSettings(): Record<string, Record<string, unknown>> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^#+ .*article's cookie.*$/m)[1];
  const block = section === undefined ? undefined : /```json\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no json block for the article\'s cookie settings');
  return JSON.parse(block[1]) as Record<string, Record<string, unknown>>;
}

describe('remember-me with the article\'s cookie settings (README)', () => {
  const DOMAIN = 'auth.example.com';
  const hmac = randomBytes(32).toString('base64url');
  const withArticleCookie = (): FlowJson => {
    const copy = structuredClone(flow);
    for (const [id, config] of Object.entries(articleCookieSettings())) {
      const node = copy.nodes[id];
      if (!node) throw new Error(`README names node "${id}", which the flow does not have`);
      node.config = { ...node.config, ...config };
    }
    return copy;
  };

  it('configures every cookie node of the flow (check, set, clear) and is a valid flow', () => {
    const settings = articleCookieSettings();
    expect(Object.keys(settings).sort()).toEqual(['checkCookie', 'forgetCookie', 'rememberDevice']);
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const result = validateFlow(withArticleCookie(), registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('sets persist-session for the tenant domain, signs it with hmac-signing-key, honours it, and removes it when the risk is not low', async () => {
    const clock = testClock();
    const secrets = { get: (name: string) => (name === 'hmac-signing-key' ? hmac : undefined) };
    const engine = await engineWith(clock, { secretSource: secrets }, withArticleCookie());
    const browser = new Browser(LONDON, FIREFOX);
    const first = await browser.visit(engine);
    const set = first.result.cookies.find((c) => c.name === 'persist-session');
    expect(set?.options).toMatchObject({ domain: DOMAIN, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
    clock.advance(2 * HOUR);
    browser.ip = LONDON_OTHER;
    expect((await browser.visit(engine, 'never asked')).steps).toEqual(SILENT);
    clock.advance(HOUR);
    browser.ip = SINGAPORE;
    const distrustedVisit = await browser.visit(engine);
    expect(new Set(distrustedVisit.cleared)).toEqual(new Set(['persist-session']));
    expect(distrustedVisit.result.cookies.find((c) => c.name === 'persist-session')?.options).toMatchObject({ domain: DOMAIN });
  });
});
