import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import type { Logger } from '@waymark/sdk';
import { createStoresFromConfig, main, startServer, type CliIo } from '@waymark/cli';
import { findRedisServer, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

/* `waymark serve` on Redis, at start-up: which stores it says it uses, where a URL comes from,
 * and the start-up errors (secretKeys missing, Redis unreachable, a malformed setting). Real
 * redis-servers (the @waymark/redis harness): one with a password, to prove the password never
 * reaches the output. */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const PASSWORD = 'pw-7Hq2-never-printed';
const secretKey = randomBytes(32).toString('base64url');
const client = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://localhost:4000/callback'],
  allowed_flows: ['password-login'],
};
const base = { issuer: 'http://localhost:3000', port: 0, flows: [join(root, 'flows/password-login.json')], clients: [client] };

/** A port nothing listens on: a redis-server started and stopped for good. */
async function deadPort(): Promise<number> {
  const server = await startRedisServer();
  await server.dispose();
  return server.port;
}

async function startJourney(url: string): Promise<Response> {
  return fetch(`${url}/journeys/password-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'web-app' }),
  });
}

describe('waymark serve stores at start-up', () => {
  let locked: RedisServer;
  let lockedUrl: string;
  let admin: Redis;

  beforeAll(async () => {
    // The harness waits for an unauthenticated PING, so the password is set once it answers.
    locked = await startRedisServer();
    const open = new Redis(locked.url);
    await open.call('CONFIG', 'SET', 'requirepass', PASSWORD);
    open.disconnect();
    lockedUrl = `redis://:${PASSWORD}@127.0.0.1:${locked.port}`;
    admin = new Redis(lockedUrl);
  });
  afterAll(async () => {
    admin?.disconnect();
    await locked?.dispose();
  });

  it('without redis in the config or the environment, runs on memory stores and says "stores: memory (single process)"', async () => {
    const lines: string[] = [];
    const server = await startServer(base, { logger: silent, print: (l) => lines.push(l), env: {} });
    await server.close();
    expect(lines).toContain('stores: memory (single process)');
  });

  it('with a redis URL holding a password, prints "stores: redis <url>" without the password and keeps journeys in that Redis', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { ...base, secretKeys: [secretKey], redis: { url: lockedUrl, prefix: 'startup-a:' } },
      { logger: silent, print: (l) => lines.push(l) },
    );
    try {
      expect(lines).toContain(`stores: redis redis://127.0.0.1:${locked.port} (prefix startup-a:)`);
      expect(lines.join('\n')).not.toContain(PASSWORD);
      const answer = await startJourney(server.url);
      expect(answer.status).toBe(200);
      const { journeyId } = (await answer.json()) as { journeyId: string };
      expect(await admin.exists(`startup-a:{${journeyId}}:journey`)).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('takes the Redis URL from WAYMARK_REDIS_URL when the config has no redis key', async () => {
    const { stores, description, close } = await createStoresFromConfig({ redis: undefined, secretKeys: [secretKey] }, undefined, {
      WAYMARK_REDIS_URL: lockedUrl,
    });
    try {
      expect(description).toBe(`redis redis://127.0.0.1:${locked.port} (prefix waymark:)`);
      await stores.kv.set('env-probe', { ok: true }, 60);
      expect(await admin.exists('waymark:{env-probe}:kv')).toBe(1);
    } finally {
      await close();
    }
  });

  it('refuses Redis without secretKeys: ERR_CONFIG_INVALID naming secretKeys and WAYMARK_SECRET_KEYS, before connecting', async () => {
    await expect(startServer({ ...base, redis: lockedUrl }, { logger: silent, env: {} })).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      details: { key: 'secretKeys' },
      message: expect.stringContaining('WAYMARK_SECRET_KEYS'),
    });
    // Same rule when the URL comes from the environment.
    await expect(
      createStoresFromConfig({ redis: undefined, secretKeys: [] }, undefined, { WAYMARK_REDIS_URL: lockedUrl }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      details: { key: 'secretKeys' },
    });
  });

  it('stops start-up when Redis is unreachable: ERR_STORE_UNAVAILABLE naming the URL without credentials, where it came from and the fix', async () => {
    const port = await deadPort();
    const error = (await startServer(
      { ...base, secretKeys: [secretKey], redis: `redis://admin:${PASSWORD}@127.0.0.1:${port}/2` },
      { logger: silent },
    ).catch((e: unknown) => e)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(error.message).toContain(`redis://127.0.0.1:${port}/2`);
    expect(error.message).toContain('"redis" setting');
    expect(error.message).toMatch(/Start Redis there, or fix/);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain('admin');
  });

  it('waymark serve exits non-zero with that coded one-line message when Redis is unreachable', async () => {
    const port = await deadPort();
    const dir = mkdtempSync(join(tmpdir(), 'waymark-redis-startup-'));
    try {
      const config = join(dir, 'waymark.config.json');
      writeFileSync(config, JSON.stringify({ ...base, secretKeys: [secretKey], redis: { url: `redis://:${PASSWORD}@127.0.0.1:${port}` } }));
      let stdout = '';
      let stderr = '';
      const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir };
      const code = await main(['serve', '--config', config], io);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^waymark: ERR_STORE_UNAVAILABLE: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} `));
      expect(stderr + stdout).not.toContain(PASSWORD);
      expect(stdout).not.toContain('listening');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the key and the fix of a malformed redis setting (ERR_CONFIG_INVALID)', async () => {
    const bad: [unknown, string][] = [
      ['http://127.0.0.1:6379', 'redis'],
      [{ url: 'redis://127.0.0.1:6379', cluster: ['127.0.0.1:7000'] }, 'redis'],
      [{ url: 'redis://127.0.0.1:6379', prefix: 'a{b}:' }, 'redis.prefix'],
      [{ url: 'redis://127.0.0.1:6379', ttl: 5 }, 'redis.ttl'],
      [{ cluster: [] }, 'redis.cluster'],
      [{ cluster: ['redis://user:pw@10.0.0.1:6379'] }, 'redis.cluster[0]'],
      [{ sentinels: ['10.0.0.1:26379'] }, 'redis.name'],
      [{ sentinels: [{ port: 26379 }], name: 'mymaster' }, 'redis.sentinels[0]'],
    ];
    for (const [redis, key] of bad) {
      const error = (await createStoresFromConfig({ redis, secretKeys: [secretKey] }, undefined, {}).catch((e: unknown) => e)) as {
        code?: string;
        details?: { key?: string };
      };
      expect({ redis, code: error.code, key: error.details?.key }).toEqual({ redis, code: 'ERR_CONFIG_INVALID', key });
    }
    await expect(
      createStoresFromConfig({ redis: undefined, secretKeys: [secretKey] }, undefined, { WAYMARK_REDIS_URL: 'localhost:6379' }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      details: { key: 'WAYMARK_REDIS_URL' },
    });
  });
});

describe('waymark serve on a Redis Cluster', () => {
  let node: RedisServer;

  beforeAll(async () => {
    node = await startRedisServer({
      args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'],
    });
    const admin = new Redis(node.url);
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      for (let i = 0; !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
        if (i > 200) throw new Error('the one-node cluster did not reach cluster_state:ok');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      admin.disconnect();
    }
  });
  afterAll(async () => {
    await node?.dispose();
  });

  it('connects with { cluster: [...] }, says "stores: redis cluster <nodes>" and suspends journeys there', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { ...base, secretKeys: [secretKey], redis: { cluster: [`redis://127.0.0.1:${node.port}`] } },
      { logger: silent, print: (l) => lines.push(l) },
    );
    try {
      expect(lines).toContain(`stores: redis cluster 127.0.0.1:${node.port} (prefix waymark:)`);
      const answer = await startJourney(server.url);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { callbacks: unknown[] }).callbacks).toHaveLength(2);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('waymark serve through Redis Sentinel', () => {
  let master: RedisServer;
  let sentinel: ChildProcess;
  let sentinelPort: number;
  let dir: string;

  beforeAll(async () => {
    master = await startRedisServer();
    sentinelPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    // A sentinel needs a writable config file of its own (it rewrites it).
    dir = mkdtempSync(join(tmpdir(), 'waymark-sentinel-'));
    writeFileSync(
      join(dir, 'sentinel.conf'),
      `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${master.port} 1\n`,
    );
    sentinel = spawn(findRedisServer(), [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
    const probe = new Redis({ port: sentinelPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      for (let i = 0; ; i++) {
        const found = await probe.call('SENTINEL', 'get-master-addr-by-name', 'mymaster').catch(() => null);
        if (Array.isArray(found) && found[1] === String(master.port)) break;
        if (i > 200) throw new Error('the sentinel did not come up within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    if (sentinel && sentinel.exitCode === null) await new Promise((resolve) => (sentinel.once('exit', resolve), sentinel.kill('SIGTERM')));
    await master?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with { sentinels: [...], name }, says "stores: redis sentinel <name> via <sentinels>" and keeps journeys on the master the sentinel names', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { ...base, secretKeys: [secretKey], redis: { sentinels: [`127.0.0.1:${sentinelPort}`], name: 'mymaster', prefix: 'sentinel:' } },
      { logger: silent, print: (l) => lines.push(l) },
    );
    const admin = new Redis(master.url);
    try {
      expect(lines).toContain(`stores: redis sentinel mymaster via 127.0.0.1:${sentinelPort} (prefix sentinel:)`);
      const answer = await startJourney(server.url);
      expect(answer.status).toBe(200);
      const { journeyId } = (await answer.json()) as { journeyId: string };
      expect(await admin.exists(`sentinel:{${journeyId}}:journey`)).toBe(1);
    } finally {
      admin.disconnect();
      await server.close();
    }
  });

  it('stops start-up naming the sentinels when none answers', async () => {
    const error = (await startServer(
      { ...base, secretKeys: [secretKey], redis: { sentinels: [`127.0.0.1:${await deadPort()}`], name: 'mymaster' } },
      { logger: silent },
    ).catch((e: unknown) => e)) as {
      code: string;
      message: string;
    };
    expect(error.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(error.message).toMatch(/^cannot reach Redis at sentinel mymaster via 127\.0\.0\.1:\d+ /);
  });
});
