import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes, FileUserStore, HttpRiskProvider, locateIp, RiskProviderError, type RiskEvaluation, type RiskProvider } from '@waymark/nodes';
import type { Callback, Logger } from '@waymark/sdk';
import { answerCallbacks, testClock, type TestClock } from '@waymark/testing';

/*
 * flows/remember-me.json through the HTTP adapter, as browsers and a proxy send it: the JSON
 * journey API (POST /journeys/remember-me, POST /journeys/:id/continue) and the browser pages
 * (GET /authorize, POST /authorize/continue). The client IP comes from X-Forwarded-For set by a
 * trusted proxy (the loopback peer supertest connects from), cookies travel in Cookie headers,
 * and time is the test clock.
 */

const ROOT = new URL('../../', import.meta.url);
const flow = JSON.parse(readFileSync(new URL('flows/remember-me.json', ROOT), 'utf8')) as unknown;
const users = new FileUserStore(fileURLToPath(new URL('flows/fixtures/users.json', ROOT)));
const PASSWORD = 'correct horse battery staple';
const REMEMBER = '__Host-waymark-remember';
const KEY = randomBytes(32).toString('base64url');
const secretSource = { get: (name: string) => (name === 'remember-me-key' ? KEY : undefined) };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LONDON = '81.2.69.142';
const SINGAPORE = '203.116.1.1';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const HOUR = 3_600_000;

const shopClient = {
  client_id: 'shop-web',
  type: 'spa',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['https://shop.example/callback'],
  allowed_flows: ['remember-me'],
  pkce: 'S256_REQUIRED',
};

interface TestApp {
  app: Express;
  clock: TestClock;
}

async function appWith(services: Record<string, unknown> = {}, clock = testClock()): Promise<TestApp> {
  const stores = createMemoryStores(clock);
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, logger: silent, services: { users, secretSource, ...services } });
  engine.load(flow);
  const router = createWaymarkRouter({
    issuer: 'http://127.0.0.1',
    clients: [shopClient],
    stores,
    clock,
    logger: silent,
    engine,
    parRateLimit: false,
    trustedProxies: ['127.0.0.0/8', '::1'],
  });
  const app = express();
  app.use('/', router);
  return { app, clock };
}

interface HttpVisit {
  status: 'success' | 'failure';
  askedPassword: boolean;
  /** How many steps asked for the password. */
  passwordSteps: number;
  messages: string[];
  /** Cookie names set (with a value) and cleared on any response of the visit. */
  set: string[];
  cleared: string[];
}

/** A browser behind a proxy: its own cookie jar, address and user agent. */
class HttpBrowser {
  jar = new Map<string, string>();
  constructor(
    public ip: string,
    public userAgent: string,
  ) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Applies Set-Cookie headers (Max-Age=0 clears) and says which were set and cleared. */
  take(headers: Record<string, unknown>, visit: Pick<HttpVisit, 'set' | 'cleared'>): void {
    const raw = headers['set-cookie'];
    for (const line of Array.isArray(raw) ? (raw as string[]) : []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/;\s*Max-Age=0(;|$)/i.test(line) || value === '') {
        this.jar.delete(name);
        visit.cleared.push(name);
      } else {
        this.jar.set(name, value);
        visit.set.push(name);
      }
    }
  }

  headers(): Record<string, string> {
    const h: Record<string, string> = { 'X-Forwarded-For': this.ip, 'User-Agent': this.userAgent, Accept: 'application/json' };
    const cookie = this.cookieHeader();
    if (cookie !== '') h.Cookie = cookie;
    return h;
  }

  /** One journey through the JSON API: credentials get alice's `password`, messages are acknowledged. */
  async visit(app: Express, password = PASSWORD): Promise<HttpVisit> {
    const visit: HttpVisit = { status: 'failure', askedPassword: false, passwordSteps: 0, messages: [], set: [], cleared: [] };
    let res = await request(app).post('/journeys/remember-me').set(this.headers()).send({ client_id: 'shop-web' });
    for (let turn = 0; res.status === 200 && res.body.callbacks !== undefined; turn++) {
      if (turn > 10) throw new Error('too many steps');
      this.take(res.headers, visit);
      const callbacks = res.body.callbacks as Callback[];
      for (const cb of callbacks) if (cb.type === 'TextOutputCallback') visit.messages.push(String(cb.output.find((o) => o.name === 'message')?.value));
      const wantsPassword = callbacks.some((cb) => cb.type === 'PasswordCallback');
      visit.askedPassword ||= wantsPassword;
      if (wantsPassword) visit.passwordSteps++;
      const answers = answerCallbacks(callbacks, wantsPassword ? ['alice', password] : []);
      res = await request(app)
        .post(`/journeys/${String(res.body.journeyId)}/continue`)
        .set(this.headers())
        .send({ callbacks: answers });
    }
    this.take(res.headers, visit);
    expect([200, 401]).toContain(res.status);
    visit.status = res.status === 200 && res.body.status === 'success' ? 'success' : 'failure';
    return visit;
  }
}

/** An HTTP risk service (PingOne Protect shape) that answers LOW, then is stopped. */
async function riskService(): Promise<{ provider: HttpRiskProvider; calls: string[]; stop: () => Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `e-${calls.length}`, result: { level: 'LOW', score: 10 }, details: {} }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const provider = new HttpRiskProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, environmentId: 'env-1', token: 'test-token', fetch: globalThis.fetch, timeoutMs: 2000 });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { provider, calls, stop };
}

beforeAll(async () => {
  expect((await locateIp(LONDON))?.country).toBe('GB');
  expect((await locateIp(SINGAPORE))?.country).toBe('SG');
});

describe('remember-me through the JSON journey API', () => {
  it('same device and place: the first visit asks the password and sets the cookie, the second signs in silently', async () => {
    const { app, clock } = await appWith();
    const browser = new HttpBrowser(LONDON, FIREFOX);
    const first = await browser.visit(app);
    expect(first).toEqual(expect.objectContaining({ status: 'success', askedPassword: true }));
    expect(first.set).toContain(REMEMBER);
    clock.advance(2 * HOUR);
    const second = await browser.visit(app, 'never asked');
    expect(second).toEqual(expect.objectContaining({ status: 'success', askedPassword: false, messages: [] }));
    expect(browser.jar.has(REMEMBER)).toBe(true);
  });

  it('the client IP is taken from X-Forwarded-For of the trusted proxy: a new country an hour later removes the cookie, shows risk HIGH and asks the password', async () => {
    const { app, clock } = await appWith();
    const browser = new HttpBrowser(LONDON, FIREFOX);
    await browser.visit(app);
    expect(browser.jar.has(REMEMBER)).toBe(true);
    clock.advance(HOUR);
    browser.ip = SINGAPORE;
    const visit = await browser.visit(app);
    expect(visit.cleared).toContain(REMEMBER);
    // The remembered device's risk, then the password login's (both HIGH: impossible travel).
    expect(visit.messages).toEqual([expect.stringContaining('Risk level HIGH: this sign-in'), expect.stringContaining('Risk level HIGH: you are signed in')]);
    expect(visit.askedPassword).toBe(true);
    expect(visit.status).toBe('success');
    expect(visit.set).not.toContain(REMEMBER);
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });

  it('a bot user agent signs in with its password but never gets the remember-me cookie', async () => {
    const { app, clock } = await appWith();
    const bot = new HttpBrowser(LONDON, BOT);
    const first = await bot.visit(app);
    expect(first.status).toBe('success');
    expect(first.messages).toEqual([expect.stringContaining('(BOT_MITIGATION)')]);
    expect(first.set).not.toContain(REMEMBER);
    clock.advance(HOUR);
    expect((await bot.visit(app)).askedPassword).toBe(true);
  });

  it('a tampered cookie is cleared and the password asked, never a silent login', async () => {
    const { app, clock } = await appWith();
    const browser = new HttpBrowser(LONDON, FIREFOX);
    await browser.visit(app);
    const cookie = browser.jar.get(REMEMBER) ?? '';
    // Flip one character of the signature.
    const last = cookie.at(-2) === 'A' ? 'B' : 'A';
    browser.jar.set(REMEMBER, `${cookie.slice(0, -2)}${last}${cookie.slice(-1)}`);
    clock.advance(HOUR);
    const visit = await browser.visit(app);
    expect(visit.cleared).toContain(REMEMBER);
    expect(visit.askedPassword).toBe(true);
    expect(visit.status).toBe('success');
  });

  it('with the risk service stopped, the password login still works, after a message, and sets no cookie', async () => {
    const risk = await riskService();
    const { app, clock } = await appWith({ riskProvider: risk.provider });
    const browser = new HttpBrowser(LONDON, FIREFOX);
    const up = await browser.visit(app);
    expect(up.set).toContain(REMEMBER); // LOW from the running service: remembered
    expect(risk.calls.some((c) => c.startsWith('POST /v1/environments/env-1/riskEvaluations'))).toBe(true);
    await risk.stop();
    clock.advance(HOUR);
    const fresh = new HttpBrowser(LONDON, FIREFOX);
    const down = await fresh.visit(app);
    expect(down.status).toBe('success');
    expect(down.askedPassword).toBe(true);
    expect(down.messages).toEqual([expect.stringContaining('could not be reached')]);
    expect(down.set).not.toContain(REMEMBER);
    // And the remembered browser is not let in silently while nobody can score the risk.
    const remembered = await browser.visit(app);
    expect(remembered.askedPassword).toBe(true);
    expect(remembered.cleared).toContain(REMEMBER);
  });

  it('a wrong password ends the journey: a 401 failure at once, without a session or remember-me cookie', async () => {
    const { app } = await appWith();
    const visit = await new HttpBrowser(LONDON, FIREFOX).visit(app, 'wrong password');
    expect(visit.status).toBe('failure');
    expect(visit.passwordSteps).toBe(1);
    expect(visit.set).toEqual([]);
  });
});

/** A risk service that answers one scripted result (or fails), as an operator wires services.riskProvider. */
function scriptedRisk(result: Partial<RiskEvaluation> | 'down'): RiskProvider & { completions: string[] } {
  const completions: string[] = [];
  let n = 0;
  return {
    completions,
    async evaluate() {
      if (result === 'down') throw new RiskProviderError('ERR_RISK_UNREACHABLE', 'risk service unreachable');
      return { id: `e${++n}`, level: 'LOW', score: 10, details: {}, ...result };
    },
    async complete(id, status) {
      completions.push(`${id} ${status}`);
    },
  };
}

const LOGIN_DOWN = 'The risk service could not be reached: you are signed in, but this device will not be remembered.';
/** Each result the risk service can give, and what the user sees with and without the cookie. */
const RESULTS: { name: string; result: Partial<RiskEvaluation> | 'down'; remembered: string; login: string }[] = [
  { name: 'MEDIUM', result: { level: 'MEDIUM', score: 50 }, remembered: 'Risk level MEDIUM: something about this sign-in changed', login: 'Risk level MEDIUM: you are signed in' },
  { name: 'HIGH', result: { level: 'HIGH', score: 90 }, remembered: 'Risk level HIGH: this sign-in does not look like your usual ones', login: 'Risk level HIGH: you are signed in' },
  { name: 'a score above the threshold', result: { level: 'HIGH', score: 301 }, remembered: 'Risk score above the threshold: this device', login: 'Risk score above the threshold: you are signed in' },
  { name: 'BOT_MITIGATION', result: { level: 'HIGH', score: 80, recommendedAction: 'BOT_MITIGATION' }, remembered: 'automated access suspected (BOT_MITIGATION), so', login: 'automated access suspected (BOT_MITIGATION): you are signed in' },
  { name: 'AITM_MITIGATION (with a LOW level)', result: { level: 'LOW', score: 10, recommendedAction: 'AITM_MITIGATION' }, remembered: '(AITM_MITIGATION), so this device', login: '(AITM_MITIGATION): you are signed in' },
  { name: 'the risk service down', result: 'down', remembered: 'The risk of this sign-in could not be evaluated', login: LOGIN_DOWN },
];

describe('every decision of remember-me through the JSON journey API', () => {
  /** A browser remembered by a LOW first visit, and an app whose risk service now answers `result`. */
  async function rememberedThen(result: Partial<RiskEvaluation> | 'down') {
    const clock = testClock();
    const browser = new HttpBrowser(LONDON, FIREFOX);
    await browser.visit((await appWith({ riskProvider: scriptedRisk({}) }, clock)).app);
    expect(browser.jar.has(REMEMBER)).toBe(true);
    clock.advance(HOUR);
    const risk = scriptedRisk(result);
    return { browser, risk, app: (await appWith({ riskProvider: risk }, clock)).app };
  }

  it('LOW with the cookie: signed in silently, the result reported SUCCESS, the cookie kept', async () => {
    const { browser, risk, app } = await rememberedThen({ level: 'LOW', score: 5 });
    const visit = await browser.visit(app, 'never asked');
    expect(visit).toMatchObject({ status: 'success', askedPassword: false, messages: [], cleared: [] });
    expect(risk.completions).toEqual(['e1 SUCCESS']);
    expect(browser.jar.has(REMEMBER)).toBe(true);
  });

  it('LOW without the cookie: the password, then the cookie, the result reported SUCCESS', async () => {
    const risk = scriptedRisk({ level: 'LOW', score: 5 });
    const visit = await new HttpBrowser(LONDON, FIREFOX).visit((await appWith({ riskProvider: risk })).app);
    expect(visit).toMatchObject({ status: 'success', askedPassword: true, messages: [] });
    expect(visit.set).toContain(REMEMBER);
    expect(risk.completions).toEqual(['e1 SUCCESS']);
  });

  it.each(RESULTS)('$name with the cookie: the result reported (FAILED, when there is one), the cookie removed, the risk shown, the password asked; no new cookie', async ({ result, remembered, login }) => {
    const { browser, risk, app } = await rememberedThen(result);
    const visit = await browser.visit(app);
    expect(visit.status).toBe('success');
    expect(visit.askedPassword).toBe(true);
    expect(visit.cleared).toContain(REMEMBER);
    expect(visit.set).not.toContain(REMEMBER);
    expect(visit.messages).toEqual([expect.stringContaining(remembered), expect.stringContaining(login)]);
    expect(risk.completions).toEqual(result === 'down' ? [] : ['e1 FAILED', 'e2 SUCCESS']);
  });

  it.each(RESULTS)('$name without the cookie: the password, the risk shown, signed in without the cookie', async ({ result, login }) => {
    const risk = scriptedRisk(result);
    const visit = await new HttpBrowser(LONDON, FIREFOX).visit((await appWith({ riskProvider: risk })).app);
    expect(visit).toMatchObject({ status: 'success', askedPassword: true, messages: [expect.stringContaining(login)] });
    expect(visit.set).not.toContain(REMEMBER);
    expect(risk.completions).toEqual(result === 'down' ? [] : ['e1 SUCCESS']);
  });

  it('a wrong password after the cookie was distrusted: 401 at once, the cookie stays removed', async () => {
    const { browser, app } = await rememberedThen({ level: 'HIGH', score: 90 });
    const visit = await browser.visit(app, 'wrong password');
    expect(visit.status).toBe('failure');
    expect(visit.passwordSteps).toBe(1);
    expect(visit.cleared).toContain(REMEMBER);
    expect(browser.jar.has(REMEMBER)).toBe(false);
  });
});

describe('remember-me through the browser pages (GET /authorize, POST /authorize/continue)', () => {
  const authorize = `/authorize?${new URLSearchParams({
    client_id: 'shop-web',
    response_type: 'code',
    redirect_uri: 'https://shop.example/callback',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGrSstw-cM',
    code_challenge_method: 'S256',
    state: 's-1',
    acr_values: 'remember-me',
  }).toString()}`;

  function field(html: string, name: string): string {
    return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  }

  it('the first visit is a password form and sets the cookie; the second GET /authorize answers "Signed in" at once', async () => {
    const { app, clock } = await appWith();
    const browser = new HttpBrowser(LONDON, FIREFOX);
    const seen = { set: [] as string[], cleared: [] as string[] };
    const pageHeaders = () => ({ 'X-Forwarded-For': browser.ip, 'User-Agent': browser.userAgent, Cookie: browser.cookieHeader() });

    const form = await request(app).get(authorize).set(pageHeaders());
    expect(form.status).toBe(200);
    expect(form.text).toContain('type="password"');
    browser.take(form.headers, seen);
    const posted = await request(app)
      .post('/authorize/continue')
      .set(pageHeaders())
      .type('form')
      .send({ journeyId: field(form.text, 'journeyId'), csrf: field(form.text, 'csrf'), IDToken1: 'alice', IDToken2: PASSWORD });
    browser.take(posted.headers, seen);
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('Signed in');
    expect(seen.set).toContain(REMEMBER);

    clock.advance(HOUR);
    const again = await request(app).get(authorize).set(pageHeaders());
    expect(again.status).toBe(200);
    expect(again.text).toContain('Signed in');
    expect(again.text).not.toContain('type="password"');
  });
});
