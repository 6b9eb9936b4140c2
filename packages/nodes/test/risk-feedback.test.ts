import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStores } from '@waymark/core';
import { HttpRiskProvider, riskEvaluate, riskFeedback } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';

/* A real HTTP server on 127.0.0.1 playing PingOne Protect's risk evaluations API. Each test
 * sets `answer` to decide what the next request gets. */
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}
type Answer = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let answer: Answer;
const seen: Seen[] = [];

const json = (status: number, body: unknown): Answer => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const protect = (level: string, score: number, recommendedAction?: string) =>
  json(201, {
    id: 'eval-123',
    result: { level, score, ...(recommendedAction ? { recommendedAction } : {}) },
    details: { impossibleTravel: { level: 'LOW', type: 'VELOCITY', reason: 'ok' }, anonymousNetwork: { level, status: 'COMPLETED' } },
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function httpConfig(extra: Record<string, unknown> = {}) {
  return { provider: 'http', http: { baseUrl, environmentId: 'env-1', token: 'test-token', ...extra } };
}

async function evaluate(config: Record<string, unknown>, services: Record<string, unknown> = {}) {
  seen.length = 0;
  return runNode(riskEvaluate, { state: { sub: 'alice' }, request: { ip: '217.160.0.1', headers: { 'user-agent': CHROME } }, config, services });
}

describe('risk.evaluate with the http (PingOne Protect–shaped) provider', () => {
  it('posts the Protect event shape with the bearer token and routes on the level', async () => {
    answer = protect('MEDIUM', 55);
    const r = await evaluate(httpConfig());
    expect(r.outcome).toBe('medium');
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/environments/env-1/riskEvaluations',
        authorization: 'Bearer test-token',
        body: { event: { ip: '217.160.0.1', user: { id: 'alice', type: 'EXTERNAL' }, flow: { type: 'AUTHENTICATION' }, browser: { userAgent: CHROME } } },
      },
    ]);
    expect(r.state.risk).toEqual({
      id: 'eval-123',
      provider: 'http',
      level: 'MEDIUM',
      score: 55,
      details: { impossibleTravel: { level: 'LOW', reason: 'ok' }, anonymousNetwork: { level: 'MEDIUM', reason: 'COMPLETED' } },
      outcome: 'medium',
    });
    expect(JSON.stringify(r.state)).not.toContain('test-token');
  });

  it('routes on the recommended action when configured, and on exceed before it', async () => {
    answer = protect('HIGH', 80, 'BOT_MITIGATION');
    expect((await evaluate({ ...httpConfig(), recommendedActions: ['BOT_MITIGATION'] })).outcome).toBe('bot_mitigation');
    answer = protect('HIGH', 80, 'BOT_MITIGATION');
    expect((await evaluate({ ...httpConfig(), recommendedActions: ['BOT_MITIGATION'], scoreThreshold: 70 })).outcome).toBe('exceed');
    answer = protect('LOW', 10);
    expect((await evaluate(httpConfig())).outcome).toBe('low');
    answer = protect('HIGH', 90);
    expect((await evaluate(httpConfig())).outcome).toBe('high');
  });

  it('reads the token from services.secretSource by name', async () => {
    answer = protect('LOW', 1);
    const names: string[] = [];
    const secretSource = { get: (name: string) => (names.push(name), 'from-secret-source') };
    const r = await evaluate(httpConfig({ token: undefined, tokenSecret: 'protect-worker-token' }), { secretSource });
    expect(r.outcome).toBe('low');
    expect(names).toEqual(['protect-worker-token']);
    expect(seen[0]!.authorization).toBe('Bearer from-secret-source');
  });

  it('goes to error when no token can be found, without calling the service', async () => {
    const r = await evaluate(httpConfig({ token: undefined, tokenSecret: 'missing' }));
    expect(r).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_CONFIG' });
    expect(seen).toEqual([]);
  });

  it('goes to error on HTTP 500', async () => {
    answer = json(500, { code: 'UNEXPECTED_ERROR' });
    const r = await evaluate(httpConfig());
    expect(r).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_STATUS' });
    expect(r.state.risk).toBeUndefined();
  });

  it('goes to error on a malformed answer (not JSON, no level, unknown level, no score)', async () => {
    const bad: Answer[] = [
      (_q, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id": "x", "result": '),
      json(201, { id: 'x', result: { score: 3 } }),
      json(201, { id: 'x', result: { level: 'SEVERE', score: 3 } }),
      json(201, { id: 'x', result: { level: 'LOW' } }),
      json(201, { result: { level: 'LOW', score: 1 } }),
    ];
    for (const a of bad) {
      answer = a;
      expect(await evaluate(httpConfig())).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_MALFORMED' });
    }
  });

  it('goes to error when the service is down', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const r = await evaluate({ provider: 'http', http: { baseUrl: `http://127.0.0.1:${port}`, environmentId: 'e', token: 'sekret-bearer-value' } });
    expect(r).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_UNREACHABLE' });
    expect(r.logs).toEqual([{ level: 'warn', message: 'risk evaluation failed', fields: { code: 'ERR_RISK_UNREACHABLE' } }]);
    expect(JSON.stringify([r.logs, r.state])).not.toContain('sekret-bearer-value');
  });

  it('goes to error when the service does not answer within http.timeoutMs', async () => {
    answer = () => {}; // never answers
    const r = await evaluate(httpConfig({ timeoutMs: 50 }));
    expect(r).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_UNREACHABLE' });
  });
});

describe('risk.feedback', () => {
  it('completes the evaluation with PUT …/riskEvaluations/{id}/event (outcome done)', async () => {
    answer = json(200, { completionStatus: 'SUCCESS' });
    seen.length = 0;
    const r = await runNode(riskFeedback, { state: { sub: 'alice', risk: { id: 'eval-123' } }, request: { ip: '217.160.0.1' }, config: { status: 'SUCCESS', ...httpConfig() } });
    expect(r.outcome).toBe('done');
    expect(seen).toEqual([{ method: 'PUT', url: '/v1/environments/env-1/riskEvaluations/eval-123/event', authorization: 'Bearer test-token', body: { completionStatus: 'SUCCESS' } }]);
  });

  it('goes to error when the completion is refused', async () => {
    answer = json(500, {});
    const r = await runNode(riskFeedback, { state: { sub: 'alice', risk: { id: 'eval-123' } }, config: { status: 'FAILED', ...httpConfig() } });
    expect(r).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_STATUS' });
  });

  it('goes to error when there is no evaluation to complete', async () => {
    const r = await runNode(riskFeedback, { state: { sub: 'alice' }, config: { status: 'SUCCESS' } });
    expect(r).toMatchObject({ outcome: 'error', reason: 'no_evaluation' });
  });

  it('requires a status in its config', async () => {
    await expect(runNode(riskFeedback, { state: { sub: 'a' }, config: {} })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
  });

  it('teaches the local provider the device even though the device cookie is not yet in the request', async () => {
    const clock = testClock();
    const stores = createMemoryStores(clock);
    const request = { ip: '217.160.0.1', headers: { 'user-agent': CHROME } };
    const first = await runNode(riskEvaluate, { clock, stores, state: { sub: 'dana' }, request });
    const done = await runNode(riskFeedback, { clock, stores, state: first.state, secrets: first.secrets, request, config: { status: 'SUCCESS' } });
    expect(done.outcome).toBe('done');
    const device = first.effects.cookies[0]!.value!;
    const again = await runNode(riskEvaluate, { clock, stores, state: { sub: 'dana' }, request: { ...request, cookies: { '__Host-waymark-device': device } } });
    expect(again.outcome).toBe('low');
    // Completing the same evaluation twice is refused.
    const replay = await runNode(riskFeedback, { clock, stores, state: first.state, secrets: first.secrets, request, config: { status: 'SUCCESS' } });
    expect(replay).toMatchObject({ outcome: 'error', reason: 'ERR_RISK_UNKNOWN_EVALUATION' });
  });
});

describe('HttpRiskProvider', () => {
  it('takes a token function so worker tokens can be refreshed', async () => {
    answer = protect('LOW', 0);
    seen.length = 0;
    let calls = 0;
    const provider = new HttpRiskProvider({ baseUrl: `${baseUrl}/`, environmentId: 'env 2', token: () => `t${++calls}`, fetch: globalThis.fetch });
    await provider.evaluate({ ip: '217.160.0.1', userId: 'u' });
    await provider.evaluate({ ip: '217.160.0.1', userId: 'u' });
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([
      ['/v1/environments/env%202/riskEvaluations', 'Bearer t1'],
      ['/v1/environments/env%202/riskEvaluations', 'Bearer t2'],
    ]);
    expect(seen[0]!.body).toEqual({ event: { ip: '217.160.0.1', user: { id: 'u', type: 'EXTERNAL' }, flow: { type: 'AUTHENTICATION' } } });
  });
});
