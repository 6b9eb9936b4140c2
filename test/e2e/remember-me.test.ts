import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll } from '@jest/globals';
import express, { type Express } from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { createWaymarkRouter } from '@waymark/express';
import { builtinNodes, FileUserStore, HttpRiskProvider, locateIp } from '@waymark/nodes';
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
    const visit: HttpVisit = { status: 'failure', askedPassword: false, messages: [], set: [], cleared: [] };
    let res = await request(app).post('/journeys/remember-me').set(this.headers()).send({ client_id: 'shop-web' });
    for (let turn = 0; res.status === 200 && res.body.callbacks !== undefined; turn++) {
      if (turn > 10) throw new Error('too many steps');
      this.take(res.headers, visit);
      const callbacks = res.body.callbacks as Callback[];
      for (const cb of callbacks) if (cb.type === 'TextOutputCallback') visit.messages.push(String(cb.output.find((o) => o.name === 'message')?.value));
      const wantsPassword = callbacks.some((cb) => cb.type === 'PasswordCallback');
      visit.askedPassword ||= wantsPassword;
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
    expect(visit.messages).toEqual([expect.stringContaining('Risk level HIGH')]);
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

  it('five wrong passwords end in a 401 failure without a session or remember-me cookie', async () => {
    const { app } = await appWith();
    const visit = await new HttpBrowser(LONDON, FIREFOX).visit(app, 'wrong password');
    expect(visit.status).toBe('failure');
    expect(visit.set).toEqual([]);
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
