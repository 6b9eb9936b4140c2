import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const client = {
  client_id: 'session-transfer',
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  allowed_flows: ['session-transfer'],
  redirect_targets: ['http://localhost:4000/'],
  allowed_pushed_parameters: ['subject_token', 'target'],
  allowed_scopes: ['session_transfer'],
};
// A flow whose push phase passes every request (its first node needs the browser), so that PAR
// answers 201 until the budget is spent: what is measured here is the budget, not the token.
const flowsDir = mkdtempSync(join(tmpdir(), 'waymark-par-rate-'));
writeFileSync(
  join(flowsDir, 'session-transfer.json'),
  JSON.stringify({
    id: 'session-transfer',
    version: 1,
    description: 'Browser first: the push phase parks at once.',
    start: 'matchIp',
    nodes: { matchIp: { type: 'ip.match', outcomes: { match: 'success', mismatch: 'failure' } } },
  }),
);
afterAll(() => rmSync(flowsDir, { recursive: true, force: true }));
const base = { issuer: 'http://localhost:3000', port: 0, flows: [flowsDir], clients: [client] };

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('did not throw');
}

async function pushTimes(url: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'session-transfer',
        response_type: 'code',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        subject_token: 'x',
        target: 'http://localhost:4000/',
      }),
    });
    statuses.push(res.status);
    if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  }
  return statuses;
}

describe('serve config: parRateLimit', () => {
  it('keeps the adapter default (60 per public client and source IP a minute, 6000 per client) when absent', async () => {
    const server = await startServer(base, { logger: silent });
    running.push(server);
    expect(server.router.context.parRateLimit).toEqual({ max: 60, clientMax: 6000, windowSeconds: 60 });
    const statuses = await pushTimes(server.url, 61);
    expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true);
    expect(statuses[60]).toBe(429);
  });

  it('takes { max, clientMax, windowSeconds }: the ceiling per client', async () => {
    const server = await startServer({ ...base, parRateLimit: { max: 5, clientMax: 2, windowSeconds: 60 } }, { logger: silent }).catch(
      (e: unknown) => e,
    );
    expect((server as { code?: string }).code).toBe('ERR_CONFIG_INVALID');
    expect((server as Error).message).toMatch(/^config: \/parRateLimit\/clientMax: must be at least max \(5\)/);
    const ok = await startServer({ ...base, parRateLimit: { max: 5, clientMax: 5, windowSeconds: 60 } }, { logger: silent });
    running.push(ok);
    expect(ok.router.context.parRateLimit).toEqual({ max: 5, clientMax: 5, windowSeconds: 60 });
  });

  it('takes { max, windowSeconds } (the client-wide ceiling is then 100 × max)', async () => {
    const server = await startServer({ ...base, parRateLimit: { max: 2, windowSeconds: 60 } }, { logger: silent });
    running.push(server);
    expect(server.router.context.parRateLimit).toEqual({ max: 2, clientMax: 200, windowSeconds: 60 });
    expect(await pushTimes(server.url, 3)).toEqual([201, 201, 429]);
  });

  it('false turns the limit off', async () => {
    const server = await startServer({ ...base, parRateLimit: false }, { logger: silent });
    running.push(server);
    expect(server.router.context.parRateLimit).toBe(false);
    expect((await pushTimes(server.url, 35)).every((s) => s === 201)).toBe(true);
  });

  it.each([
    [true],
    [0],
    [{ max: 0, windowSeconds: 60 }],
    [{ max: 10 }],
    [{ max: 1.5, windowSeconds: 60 }],
    [{ max: 10, windowSeconds: 60, burst: 2 }],
    [null],
    [[1, 60]],
  ])('refuses %j with ERR_CONFIG_INVALID naming parRateLimit', (parRateLimit) => {
    const error = errorOf(() => resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], parRateLimit }, root));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    // The pointer names parRateLimit (or the key inside it), and the fix says what it takes.
    expect(error.message).toMatch(/^config: \/parRateLimit(\/(max|windowSeconds|burst))?: /);
    expect(error.message).toMatch(
      /Expected: (the PAR rate limit|false turns the limit off|pushed requests per public client|the window in seconds)|remove it or fix its spelling \(allowed here: max, clientMax, windowSeconds\)/,
    );
  });
});
