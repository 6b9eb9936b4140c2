import * as jest from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, RedisUserStore } from '@waymark/redis';
import { userStoreConformance } from '@waymark/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { deleteByPrefix, keysUnder } from './support/redis-keys.js';

const { describe, it, expect, beforeAll, afterAll } = jest;

let server: RedisServer;
let client: Redis;
let peerClient: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectRedis(server.url);
  // A second connection stands for a second process of the deployment.
  peerClient = await connectRedis(server.url);
});

afterAll(async () => {
  await Promise.all([client?.quit(), peerClient?.quit()]);
  await server?.dispose();
});

const freshPrefix = (): string => `test:${randomUUID()}:`;

userStoreConformance(
  'redis',
  async () => {
    const prefix = freshPrefix();
    return {
      store: new RedisUserStore({ redis: client, prefix }),
      peers: [new RedisUserStore({ redis: peerClient, prefix })],
      cleanup: () => deleteByPrefix(client, prefix),
    };
  },
  jest,
);

describe('RedisUserStore', () => {
  it('keeps every key under <prefix>{users}: (one hash tag), the hash nowhere but the record', async () => {
    const prefix = freshPrefix();
    const users = new RedisUserStore({ redis: client, prefix });
    await users.create({
      sub: 'u-1',
      username: 'Alice',
      passwordHash: 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      attributes: { mail: 'a@example.com' },
    });
    expect((await keysUnder(client, prefix)).sort()).toEqual([
      `${prefix}{users}:index`,
      `${prefix}{users}:names`,
      `${prefix}{users}:records`,
    ]);
    expect(await client.hgetall(`${prefix}{users}:names`)).toEqual({ alice: 'u-1' });
    expect(await client.hgetall(`${prefix}{users}:index`)).toEqual({ 'mail="a@example.com"': '["u-1"]' });
    await deleteByPrefix(client, prefix);
  });

  it('finds by an attribute two users share, and still finds the other after one changes', async () => {
    const prefix = freshPrefix();
    const users = new RedisUserStore({ redis: client, prefix });
    const a = (await users.create({ username: 'a', attributes: { team: 'blue' } }))!;
    const b = (await users.create({ username: 'b', attributes: { team: 'blue' } }))!;
    expect([a.sub, b.sub]).toContain((await users.findByAttribute('team', 'blue'))?.sub);
    await users.update(a.sub, { attributes: { team: 'red' } });
    expect((await users.findByAttribute('team', 'blue'))?.sub).toBe(b.sub);
    await users.update(b.sub, { attributes: { team: null } });
    expect(await users.findByAttribute('team', 'blue')).toBeUndefined();
    expect(await client.hkeys(`${prefix}{users}:index`)).toEqual(['team="red"']);
    await deleteByPrefix(client, prefix);
  });

  it('refuses a prefix with a brace (ERR_CONFIG_INVALID naming /prefix)', () => {
    expect(() => new RedisUserStore({ redis: client, prefix: 'a{b}:' })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('opens and closes its own client from a URL', async () => {
    const prefix = freshPrefix();
    const users = new RedisUserStore({ redis: server.url, prefix });
    expect(await users.create({ username: 'z' })).toMatchObject({ username: 'z' });
    await users.close();
    await deleteByPrefix(client, prefix);
  });

  it('fails with ERR_STORE_UNAVAILABLE when Redis is gone', async () => {
    const gone = await startRedisServer();
    const c = await connectRedis(gone.url);
    const users = new RedisUserStore({ redis: c });
    c.disconnect();
    await expect(users.findByUsername('a')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await expect(users.create({ username: 'a' })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await gone.dispose();
  });
});
