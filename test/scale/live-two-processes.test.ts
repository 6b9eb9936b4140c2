import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { connectRedis, createRedisControlStores, type RedisControlStores } from '@waymark/redis';
import type { Redis } from 'ioredis';
import type { JsonObject } from '@waymark/sdk';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { freePort } from '../support/servers.js';

/*
 * Live flows and clients across processes: two real `waymark serve` processes (dist/bin.js)
 * on one real redis-server, each with its own flows folder. A runs in development mode (it
 * watches its flow files), B in production mode (it reads them again on SIGHUP only).
 *
 * Propagation model: a change is one Lua script in Redis that also PUBLISHes the new revision;
 * every process is subscribed and reloads when the message arrives (milliseconds), and polls
 * the revision every 500 ms in case a message was lost. So a change is served everywhere
 * within a second at worst, as fast as pub/sub delivers at best. The assertions below measure
 * the time from the change to the first answer that shows it, with a bounded poll of 10 ms
 * steps (no fixed sleep), and require under a second.
 *
 * The test's own Redis control stores (same prefix) stand for an admin API inside process A:
 * what A's API would call (`FlowStore.saveVersion`, `ClientStore.put`).
 */

const root = new URL('../../', import.meta.url).pathname;
const WITHIN_MS = 1000;

interface Serve {
  url: string;
  output: string[];
  errors: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

function serve(config: string, env: Record<string, string>): Promise<Serve> {
  const child = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'serve', '--config', config], {
    cwd: root,
    env: { ...process.env, WAYMARK_REDIS_URL: '', WAYMARK_SECRET_KEYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`waymark serve did not start within 15 s:\n${output.join('\n')}\n${errors.join('\n')}`)),
      15_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => errors.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      const listening = output.map((l) => /^waymark listening on (\S+)/.exec(l)).find(Boolean);
      if (listening) {
        clearTimeout(timer);
        resolve({ url: listening[1]!, output, errors, child, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`waymark serve exited with ${code}:\n${output.join('\n')}\n${errors.join('\n')}`));
    });
  });
}

/** Version n shows "version <n>"; odd versions end in success, even ones in failure. */
function liveFlow(version: number): JsonObject {
  return {
    id: 'live',
    version,
    description: 'A message, then an end that tells the version.',
    start: 'show',
    nodes: {
      show: { type: 'message', config: { message: `version ${version}` }, outcomes: { shown: version % 2 === 1 ? 'success' : 'failure' } },
    },
  };
}

interface Step {
  status: number;
  body: { journeyId?: string; callbacks?: unknown[]; status?: string; error?: string };
  text: string;
}

async function post(url: string, body: unknown): Promise<Step> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Step['body'], text };
}

const startJourney = (s: Serve) => post(`${s.url}/journeys/live`, { client_id: 'spa-app' });
const finish = (s: Serve, step: Step) => post(`${s.url}/journeys/${step.body.journeyId}/continue`, { callbacks: step.body.callbacks });
const shown = async (s: Serve) => /version (\d+)/.exec((await startJourney(s)).text)?.[1];

/** Milliseconds until `check` holds, polling every 10 ms; throws past `limitMs`. */
async function msUntil(check: () => Promise<boolean> | boolean, limitMs = 5000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live flows and clients across two waymark serve processes on one Redis', () => {
  let redis: RedisServer;
  let client: Redis;
  let store: RedisControlStores;
  let a: Serve;
  let b: Serve;
  let dir: string;
  const flowFile = (p: 'a' | 'b') => join(dir, p, 'flows', 'live.json');

  beforeAll(async () => {
    const build = spawnSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
    if (build.status !== 0)
      throw new Error(`npx tsc -b packages/cli failed (the processes run dist/bin.js):\n${build.stdout}${build.stderr}`);
    redis = await startRedisServer();
    client = await connectRedis(redis.url);
    store = createRedisControlStores({ redis: client, prefix: 'live:' });
    dir = mkdtempSync(join(tmpdir(), 'waymark-live-scale-'));
    const [portA, portB] = [await freePort(), await freePort()];
    const key = randomBytes(32).toString('base64url');
    const spa = {
      client_id: 'spa-app',
      type: 'spa',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://localhost:4000/cb'],
      allowed_flows: ['live'],
    };
    for (const [p, port] of [
      ['a', portA],
      ['b', portB],
    ] as const) {
      mkdirSync(join(dir, p, 'flows'), { recursive: true });
      writeFileSync(flowFile(p), JSON.stringify(liveFlow(1)));
      writeFileSync(
        join(dir, p, 'config.json'),
        JSON.stringify({
          issuer: `http://127.0.0.1:${portA}`,
          port,
          flows: ['flows'],
          clients: [spa],
          secretKeys: [key],
          redis: { url: redis.url, prefix: 'live:' },
        }),
      );
    }
    [a, b] = await Promise.all([
      serve(join(dir, 'a', 'config.json'), { NODE_ENV: 'development' }),
      serve(join(dir, 'b', 'config.json'), { NODE_ENV: 'production' }),
    ]);
  }, 200_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await client?.quit();
    await redis?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('both start on version 1, the flows and clients seeded into Redis', async () => {
    expect(a.output).toContain('flows and clients: redis (shared by every process)');
    expect([await shown(a), await shown(b)]).toEqual(['1', '1']);
    expect(await store.flows.entry('live')).toMatchObject({ versions: [1], activeVersion: 1 });
    expect(await store.clients.get('spa-app')).toMatchObject({ enabled: true, updatedBy: 'config' });
  });

  it("a version saved through A's flow store is served by B within a second; a journey started on version 1 finishes on version 1", async () => {
    const onOne = await startJourney(b);
    expect(await store.flows.saveVersion({ id: 'live', version: 2, flow: liveFlow(2), savedAt: Date.now(), savedBy: 'admin' }, 1)).toBe(
      true,
    );
    const ms = await msUntil(async () => (await shown(b)) === '2');
    expect(ms).toBeLessThan(WITHIN_MS);
    await msUntil(async () => (await shown(a)) === '2');
    // Version 1 ends in success, version 2 in failure; the journey crosses to A to finish.
    expect((await finish(a, onOne)).body.status).toBe('success');
    expect((await finish(b, await startJourney(b))).status).toBe(401);
  });

  it('a client disabled through one process is refused by the other within a second (invalid_client), and serves again when enabled', async () => {
    const record = (await store.clients.get('spa-app'))!;
    await store.clients.put('spa-app', { ...record, enabled: false, updatedBy: 'admin' }, record.revision);
    const ms = await msUntil(async () => (await startJourney(b)).status === 401);
    expect(ms).toBeLessThan(WITHIN_MS);
    expect((await startJourney(b)).body.error).toBe('invalid_client');
    await msUntil(async () => (await startJourney(a)).status === 401);
    await store.clients.put('spa-app', { ...record, enabled: true, updatedBy: 'admin' }, record.revision + 1);
    await msUntil(async () => (await startJourney(b)).status === 200 && (await startJourney(a)).status === 200);
  });

  it('a flow file edited on A (development mode) is served by A without a restart, and by B', async () => {
    writeFileSync(flowFile('a'), JSON.stringify(liveFlow(3)));
    await msUntil(async () => (await shown(a)) === '3');
    const ms = await msUntil(async () => (await shown(b)) === '3');
    expect(ms).toBeLessThan(WITHIN_MS);
  });

  it('an invalid edit is refused with its problems logged (ERR_FLOW_INVALID with pointers); the old version keeps serving', async () => {
    writeFileSync(
      flowFile('a'),
      JSON.stringify({ ...liveFlow(5), nodes: { show: { type: 'message', config: { message: 'x' }, outcomes: { shown: 'nowhere' } } } }),
    );
    await msUntil(() => a.errors.some((l) => l.includes('ERR_FLOW_INVALID')));
    const line = JSON.parse(a.errors.find((l) => l.includes('ERR_FLOW_INVALID'))!) as { file: string; problems: { pointer: string }[] };
    expect(line.file).toBe(flowFile('a'));
    expect(line.problems.map((p) => p.pointer)).toContain('/nodes/show/outcomes/shown');
    expect([await shown(a), await shown(b)]).toEqual(['3', '3']);
  });

  it('SIGHUP makes B (production mode: no watching) read its flow files again', async () => {
    writeFileSync(flowFile('b'), JSON.stringify(liveFlow(7)));
    expect(await shown(b)).toBe('3');
    b.child.kill('SIGHUP');
    await msUntil(() => b.output.some((l) => l.startsWith('flow files reloaded: saved')));
    expect(await shown(b)).toBe('7');
    await msUntil(async () => (await shown(a)) === '7');
  });
});
