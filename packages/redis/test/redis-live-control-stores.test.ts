import * as jest from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisControlStores } from '@waymark/redis';
import { clientStoreConformance, flowStoreConformance } from '@waymark/testing';
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

flowStoreConformance(
  'redis',
  async () => {
    const prefix = freshPrefix();
    return {
      store: createRedisControlStores({ redis: client, prefix }).flows,
      peers: [createRedisControlStores({ redis: peerClient, prefix }).flows],
      cleanup: () => deleteByPrefix(client, prefix),
    };
  },
  jest,
);

clientStoreConformance(
  'redis',
  async () => {
    const prefix = freshPrefix();
    return {
      store: createRedisControlStores({ redis: client, prefix }).clients,
      peers: [createRedisControlStores({ redis: peerClient, prefix }).clients],
      cleanup: () => deleteByPrefix(client, prefix),
    };
  },
  jest,
);

describe('redis control stores: keys, channels, prefix', () => {
  it('every key is <prefix>{control}:<kind> (one hash tag) and a change is published on <prefix>control:<store>', async () => {
    const prefix = freshPrefix();
    const { flows, clients } = createRedisControlStores({ redis: client, prefix });
    const subscriber = client.duplicate();
    await subscriber.connect();
    const messages: [string, string][] = [];
    await subscriber.subscribe(`${prefix}control:flows`, `${prefix}control:clients`);
    const heard = new Promise<void>((resolve) =>
      subscriber.on('message', (channel: string, message: string) => {
        messages.push([channel, message]);
        if (messages.length === 2) resolve();
      }),
    );
    await flows.saveVersion({ id: 'login', version: 1, flow: { id: 'login' }, savedAt: 1, savedBy: 'a' }, null);
    await clients.put('web-app', { config: { client_id: 'web-app' }, enabled: true, updatedAt: 1, updatedBy: 'a' }, null);
    await heard;
    await subscriber.quit();
    expect(messages).toEqual([
      [`${prefix}control:flows`, '1'],
      [`${prefix}control:clients`, '1'],
    ]);
    expect(await keysUnder(client, prefix)).toEqual(
      ['client-revisions', 'clients', 'clients-revision', 'flow-versions', 'flows', 'flows-revision'].map((k) => `${prefix}{control}:${k}`),
    );
    await deleteByPrefix(client, prefix);
  });

  it('two prefixes on one server are two deployments: neither sees the other', async () => {
    const [p1, p2] = [freshPrefix(), freshPrefix()];
    const one = createRedisControlStores({ redis: client, prefix: p1 });
    const two = createRedisControlStores({ redis: client, prefix: p2 });
    await one.flows.saveVersion({ id: 'login', version: 1, flow: { id: 'login' }, savedAt: 1, savedBy: 'a' }, null);
    expect(await two.flows.list()).toEqual([]);
    expect(await two.flows.revision()).toBe(0);
    await Promise.all([deleteByPrefix(client, p1), deleteByPrefix(client, p2)]);
  });

  it('a prefix with a brace is refused (ERR_CONFIG_INVALID)', () => {
    expect(() => createRedisControlStores({ redis: client, prefix: 'a{b}:' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
