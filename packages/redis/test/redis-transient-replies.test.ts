import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, ReplyError } from 'ioredis';
import { StoreUnavailableError } from '@waymark/core';
import { connectRedis, createRedisStores, type RedisStores } from '@waymark/redis';
import { toStoreError } from '../src/lib/errors.js';
import { testClock as manualClock } from '@waymark/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

/*
 * Replies that mean "not now" (a failover, a restart, a full or misconfigured server) must fail
 * closed as ERR_STORE_UNAVAILABLE (the adapter answers 503 and the client retries), never pass
 * through as a bug (a 500). Each state is produced on a real redis-server 7 and undone; what a
 * real server cannot be made to answer on a single-key command (TRYAGAIN, only for multi-key
 * commands during resharding) is checked on the classifier itself.
 */

/** The call's rejection: ERR_STORE_UNAVAILABLE whose cause is the server's `reply`. */
async function expectUnavailable(call: Promise<unknown>, reply: string): Promise<void> {
  const error = await call.then(
    () => new Error(`the call succeeded; expected a ${reply} reply`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  const cause = (error as Error).cause as Error;
  expect({ code: (error as StoreUnavailableError).code, cause: cause?.name, reply: cause?.message.split(' ')[0] }).toEqual({
    code: 'ERR_STORE_UNAVAILABLE',
    cause: 'ReplyError',
    reply,
  });
}

/** Polls a real condition of the server (not a clock). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 400) throw new Error(`${what} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const replyOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'OK',
    (e: unknown) => (e as Error).message.split(' ')[0]!,
  );

describe('transient Redis replies on a real server fail closed as ERR_STORE_UNAVAILABLE', () => {
  let server: RedisServer;
  let nowhere: number;
  let admin: Redis;
  let client: Redis;
  let stores: RedisStores;
  const clock = manualClock(Date.now());
  const now = clock.now();

  beforeAll(async () => {
    // DEBUG RELOAD (LOADING) and CONFIG SET dir (MISCONF) need these two.
    server = await startRedisServer({ args: ['--enable-debug-command', 'yes', '--enable-protected-configs', 'yes'] });
    const gone = await startRedisServer();
    await gone.dispose();
    nowhere = gone.port; // a master that never answers: the replica keeps its data and its link stays down
    admin = new Redis(server.url);
    client = await connectRedis(server.url);
    stores = createRedisStores({ redis: client, prefix: 'transient:', clock });
  });
  afterAll(async () => {
    client?.disconnect();
    admin?.disconnect();
    await server?.dispose();
  });

  it('READONLY: writes to a server demoted to a replica (a failover) are unavailable; they work again once it is a master', async () => {
    await admin.call('REPLICAOF', '127.0.0.1', String(nowhere));
    try {
      await expectUnavailable(stores.journeys.put('j-readonly', 'sealed', null, 600), 'READONLY');
      await expectUnavailable(
        stores.pushedRequests.put('r-readonly', { clientId: 'c', params: {}, ip: '::1', createdAt: now, expiresAt: now + 60_000 }, 60),
        'READONLY',
      );
    } finally {
      await admin.call('REPLICAOF', 'NO', 'ONE');
    }
    expect(await stores.journeys.put('j-readonly', 'sealed', null, 600)).toBe(1);
  });

  it('MASTERDOWN: a replica cut off from its master that must not serve stale data refuses reads too', async () => {
    await admin.call('REPLICAOF', '127.0.0.1', String(nowhere));
    await admin.config('SET', 'replica-serve-stale-data', 'no');
    try {
      await expectUnavailable(stores.kv.get('k'), 'MASTERDOWN');
      await expectUnavailable(stores.sessions.get('s'), 'MASTERDOWN');
    } finally {
      await admin.config('SET', 'replica-serve-stale-data', 'yes');
      await admin.call('REPLICAOF', 'NO', 'ONE');
    }
    expect(await stores.kv.get('k')).toBeUndefined();
  });

  it('OOM: a server over maxmemory (noeviction) refuses a write that grows memory', async () => {
    // A script's first write decides: Redis checks maxmemory only until a script has written.
    // INCREMENT inside a live window starts with HINCRBY, which may grow memory, so it is refused.
    // (The scripts that start with a DEL never see OOM: see the report in the commit message.)
    expect(await stores.counters.increment('c-oom', 60)).toBe(1);
    await admin.config('SET', 'maxmemory', '1');
    try {
      await expectUnavailable(stores.counters.increment('c-oom', 60), 'OOM');
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    expect(await stores.counters.increment('c-oom', 60)).toBe(2);
  });

  it('NOREPLICAS: a master told to write only with a replica in sync refuses writes', async () => {
    await admin.config('SET', 'min-replicas-to-write', '1');
    try {
      await expectUnavailable(stores.counters.increment('c-noreplicas', 60), 'NOREPLICAS');
    } finally {
      await admin.config('SET', 'min-replicas-to-write', '0');
    }
    expect(await stores.counters.increment('c-noreplicas', 60)).toBe(1);
  });

  it('BUSY: while a script runs past busy-reply-threshold, calls are unavailable; they work again once it is killed', async () => {
    await admin.config('SET', 'busy-reply-threshold', '50');
    const blocker = new Redis(server.url);
    const looping = blocker.eval('while true do end', 0).catch(() => undefined);
    try {
      await until('the server did not report BUSY', async () => (await replyOf(admin.ping())) === 'BUSY');
      await expectUnavailable(stores.journeys.get('j'), 'BUSY');
    } finally {
      await admin.script('KILL').catch(() => undefined);
      await looping;
      blocker.disconnect();
      await admin.config('SET', 'busy-reply-threshold', '5000');
    }
    expect(await stores.journeys.get('j')).toBeUndefined();
  });

  it('LOADING: while the server loads its dataset (after a restart), calls are unavailable', async () => {
    const loader = new Redis(server.url);
    try {
      // 2000 keys at 500 µs each: about a second of loading, answering LOADING in between.
      await admin.call('DEBUG', 'POPULATE', '2000', 'loading-filler');
      await admin.config('SET', 'loading-process-events-interval-bytes', '1024');
      await admin.config('SET', 'key-load-delay', '500');
      await admin.save();
      const reloaded = loader.call('DEBUG', 'RELOAD', 'NOSAVE');
      await until('the server did not report LOADING', async () => (await replyOf(admin.ping())) === 'LOADING');
      await expectUnavailable(stores.kv.get('k'), 'LOADING');
      await reloaded;
    } finally {
      await admin.config('SET', 'key-load-delay', '0');
      await admin.flushall();
      loader.disconnect();
    }
    expect(await stores.kv.get('k')).toBeUndefined();
  });

  it('MISCONF: a server that cannot persist (a failed BGSAVE with stop-writes-on-bgsave-error) refuses writes', async () => {
    const [, dir] = (await admin.config('GET', 'dir')) as [string, string];
    const doomed = mkdtempSync(join(tmpdir(), 'waymark-misconf-'));
    try {
      await admin.config('SET', 'dir', doomed);
      rmSync(doomed, { recursive: true, force: true }); // the snapshot has nowhere to go
      await admin.config('SET', 'save', '3600 1');
      await admin.bgsave();
      await until('the BGSAVE did not fail', async () => /rdb_last_bgsave_status:err/.test(await admin.info('persistence')));
      await expectUnavailable(
        stores.sessions.put({
          id: 's-misconf',
          sub: 'u',
          createdAt: now,
          lastSeenAt: now,
          idleSeconds: 60,
          expiresAt: now + 60_000,
          authTime: now,
        }),
        'MISCONF',
      );
    } finally {
      await admin.config('SET', 'save', '');
      await admin.config('SET', 'dir', dir);
    }
    await stores.kv.set('k-misconf', 1);
  });
});

describe('CLUSTERDOWN on a real cluster node', () => {
  it('a node whose cluster serves no slot answers CLUSTERDOWN: unavailable, and works once the slots are served', async () => {
    const node = await startRedisServer({
      args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'],
    });
    // A plain client on purpose: the Cluster client would retry CLUSTERDOWN itself and hide the reply.
    const client = await connectRedis(node.url);
    const admin = new Redis(node.url);
    try {
      const stores = createRedisStores({ redis: client, prefix: 'clusterdown:', clock: manualClock(Date.now()) });
      await expectUnavailable(stores.kv.get('k'), 'CLUSTERDOWN');
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await until('the cluster did not come up', async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'));
      expect(await stores.kv.get('k')).toBeUndefined();
    } finally {
      admin.disconnect();
      client.disconnect();
      await node.dispose();
    }
  });
});

describe('the classifier (toStoreError), for replies a test server cannot be made to send', () => {
  it.each(['LOADING', 'BUSY', 'OOM', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'NOREPLICAS', 'MISCONF'])(
    'maps a %s reply to ERR_STORE_UNAVAILABLE, keeping the reply as the cause',
    (code) => {
      const reply = new ReplyError(`${code} the server says not now`) as Error;
      const mapped = toStoreError('kv', reply);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as Error).cause).toBe(reply);
    },
  );

  it('passes a reply that means a bug through unchanged (WRONGTYPE, NOSCRIPT, ERR), and one that only contains a transient word', () => {
    for (const message of [
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      'NOSCRIPT No matching script',
      'ERR READONLY is a word here',
    ]) {
      const reply = new ReplyError(message) as Error;
      expect(toStoreError('kv', reply)).toBe(reply);
    }
  });
});
