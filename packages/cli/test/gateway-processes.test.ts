import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { startAuthServer, type TestAuthServer } from '../../gateway/test/support/auth-server.js';
import { startMcpServer, type TestMcpServer } from '../../gateway/test/support/mcp-server.js';

/*
 * Issue 17: rate limits across two gateway processes on one redis-server. Two real OS processes
 * (`waymark gateway --config <file>`, the committed bin) share a throwaway redis-server; the
 * budget one of them spends is the other's: the second process answers 429 with Retry-After.
 */

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'packages/cli/bin/waymark.js');
const PUBLIC_URL = 'https://gateway.example';
let redis: RedisServer;
let as: TestAuthServer;
let upstream: TestMcpServer;
const processes: ChildProcess[] = [];
const urls: string[] = [];

/** Starts `waymark gateway --config file` and resolves with the URL it prints once listening. */
function startProcess(file: string): Promise<string> {
  const child = spawn(process.execPath, [bin, 'gateway', '--config', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const listening = /waymark gateway listening on (\S+)/.exec(out);
      if (listening) resolve(listening[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`waymark gateway exited (${code}): ${out}${err}`)));
  });
}

beforeAll(async () => {
  // The bin loads dist/ (CI builds before testing).
  if (!existsSync(join(root, 'packages/cli/dist/bin.js'))) execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root });
  redis = await startRedisServer();
  as = await startAuthServer({});
  upstream = await startMcpServer();
  const folder = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'gateway-processes-'));
  const file = join(folder, 'gateway.json');
  writeFileSync(
    file,
    JSON.stringify({
      port: 0,
      redis: redis.url,
      prefix: `gw-processes-${process.pid}:`,
      gateway: {
        // Both processes answer for one resource (as behind one load balancer).
        publicUrl: PUBLIC_URL,
        routes: [
          {
            kind: 'mcp',
            name: 'bank',
            path: '/mcp/bank',
            upstream: upstream.url,
            token: { issuer: as.issuer, jwksUri: as.jwksUri },
            rateLimits: [{ per: 'subject', max: 3, windowSeconds: 60, tool: 'get_balance' }],
          },
        ],
      },
    }),
  );
  urls.push(...(await Promise.all([startProcess(file), startProcess(file)])));
}, 120_000);

afterAll(async () => {
  await Promise.all(
    processes.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
  await upstream?.close();
  await as?.close();
  await redis?.dispose();
});

async function call(url: string, sub: string): Promise<Response> {
  const token = await as.sign({ sub, client_id: 'agent', aud: `${PUBLIC_URL}/mcp/bank` });
  const res = await fetch(`${url}/mcp/bank`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_balance', arguments: { account: 'a' } } }),
  });
  await res.text();
  return res;
}

describe('rate limits across two `waymark gateway` processes on one redis-server', () => {
  it("two processes, one budget: the calls one spends are the other's; the second answers 429 with Retry-After", async () => {
    const [a, b] = urls as [string, string];
    expect(a).not.toBe(b);
    const pids = processes.map((p) => p.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(process.pid);
    expect((await call(a, 'alice')).status).toBe(200);
    expect((await call(a, 'alice')).status).toBe(200);
    expect((await call(a, 'alice')).status).toBe(200);
    // Alice's budget is spent in process a: process b refuses her.
    const refused = await call(b, 'alice');
    expect(refused.status).toBe(429);
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Another subject has a budget of its own, in either process.
    expect((await call(b, 'bob')).status).toBe(200);
  });
});
