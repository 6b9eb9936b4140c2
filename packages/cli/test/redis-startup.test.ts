import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { connectRedis } from '@waymark/redis';
import { createStoresFromConfig, main, startServer, type CliIo } from '@waymark/cli';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { startRedisCluster, type RedisCluster } from '../../../test/support/redis-cluster.js';
import { startRedisSentinel, type RedisSentinel } from '../../../test/support/redis-sentinel.js';

/* `waymark serve` on Redis, at start-up: which stores it says it uses, where a URL comes from,
 * and the start-up errors (secretKeys missing, Redis unreachable, a malformed setting). Real
 * redis-servers (the @waymark/redis harness): one with a password, to prove the password never
 * reaches the output. The setting itself and the topologies are @waymark/redis's (its
 * redis-setting and redis-topology tests); these tests check that serve wires them in. */

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
// credentials.verify needs a user store: serve checks at start-up that it has one.
const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(root, 'flows/password-login.json')],
  clients: [client],
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};

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
  let admin: Awaited<ReturnType<typeof connectRedis>>;

  beforeAll(async () => {
    // The harness waits for an unauthenticated PING, so the password is set once it answers.
    locked = await startRedisServer();
    const open = await connectRedis(locked.url);
    await open.call('CONFIG', 'SET', 'requirepass', PASSWORD);
    open.disconnect();
    lockedUrl = `redis://:${PASSWORD}@127.0.0.1:${locked.port}`;
    admin = await connectRedis(lockedUrl);
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
      details: { key: '/secretKeys' },
      message: expect.stringMatching(/^config: \/secretKeys: is required with Redis stores .*WAYMARK_SECRET_KEYS/),
    });
    // Same rule when the URL comes from the environment.
    await expect(
      createStoresFromConfig({ redis: undefined, secretKeys: [] }, undefined, { WAYMARK_REDIS_URL: lockedUrl }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      details: { key: '/secretKeys' },
      message: expect.stringContaining('(WAYMARK_REDIS_URL)'),
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
    expect(error.message).toMatch(
      /Start Redis there, or fix the "redis" setting \(address, password, TLS\)\. Or remove it to run on memory stores in a single process\.$/,
    );
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

  it('names the pointer and the fix of a malformed redis setting (ERR_CONFIG_INVALID), in the file and in WAYMARK_REDIS_URL', async () => {
    const bad: [unknown, string][] = [
      ['http://127.0.0.1:6379', '/redis'],
      [{ url: 'redis://127.0.0.1:6379', prefix: 'a{b}:' }, '/redis/prefix'],
      [{ cluster: ['redis://user:pw@10.0.0.1:6379'] }, '/redis/cluster/0'],
      [{ sentinels: ['10.0.0.1:26379'] }, '/redis/name'],
    ];
    for (const [redis, key] of bad) {
      // Through startServer the whole file is checked before anything connects...
      const atStart = (await startServer({ ...base, secretKeys: [secretKey], redis }, { logger: silent }).catch((e: unknown) => e)) as {
        code?: string;
        details?: { key?: string };
      };
      expect({ redis, code: atStart.code, key: atStart.details?.key }).toEqual({ redis, code: 'ERR_CONFIG_INVALID', key });
      // ...and createStoresFromConfig, called alone, checks the setting the same way.
      const alone = (await createStoresFromConfig({ redis, secretKeys: [secretKey] }, undefined, {}).catch((e: unknown) => e)) as {
        code?: string;
        details?: { key?: string };
      };
      expect({ redis, code: alone.code, key: alone.details?.key }).toEqual({ redis, code: 'ERR_CONFIG_INVALID', key });
    }
    await expect(
      createStoresFromConfig({ redis: undefined, secretKeys: [secretKey] }, undefined, {
        WAYMARK_REDIS_URL: `localhost:6379?password=${PASSWORD}`,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      details: { key: '/WAYMARK_REDIS_URL' },
      message: expect.stringMatching(/^environment: \/WAYMARK_REDIS_URL: .*Expected: a Redis URL/),
    });
    await expect(
      createStoresFromConfig({ redis: undefined, secretKeys: [secretKey] }, undefined, {
        WAYMARK_REDIS_URL: `localhost:6379?password=${PASSWORD}`,
      }),
    ).rejects.toMatchObject({ message: expect.not.stringContaining(PASSWORD) });
  });
});

describe('waymark serve on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let node: RedisServer;

  beforeAll(async () => {
    cluster = await startRedisCluster(1);
    node = cluster.nodes[0]!;
  });
  afterAll(async () => {
    await cluster?.dispose();
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
  let sentinel: RedisSentinel;
  let sentinelPort: number;

  beforeAll(async () => {
    master = await startRedisServer();
    sentinel = await startRedisSentinel(master, 'mymaster');
    sentinelPort = sentinel.port;
  });
  afterAll(async () => {
    await sentinel?.dispose();
    await master?.dispose();
  });

  it('connects with { sentinels: [...], name }, says "stores: redis sentinel <name> via <sentinels>" and keeps journeys on the master the sentinel names', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { ...base, secretKeys: [secretKey], redis: { sentinels: [`127.0.0.1:${sentinelPort}`], name: 'mymaster', prefix: 'sentinel:' } },
      { logger: silent, print: (l) => lines.push(l) },
    );
    const admin = await connectRedis(master.url);
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
