import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { startServer, type RunningServer } from '@waymark/cli';
import { folderWith } from './support/certificates.js';
import { registrationFlow } from '../../../test/support/user-journeys.js';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

/* `services.userStore` picks the user store of the user-store steps: file, memory or Redis. */

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.dispose();
});

const spa = {
  client_id: 'spa-app',
  type: 'spa',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://localhost:4000/cb'],
  allowed_flows: ['registration'],
  cors_origins: ['http://localhost:4000'],
};
const flows = () => folderWith({ 'registration.json': JSON.stringify(registrationFlow) });
const base = () => ({ issuer: 'http://localhost:3000', port: 0, flows: [flows()], clients: [spa] });
const KEY = 'k'.repeat(43);

async function failure(promise: Promise<RunningServer>): Promise<{ code?: string; message: string }> {
  return promise.then(
    (server) => {
      running.push(server);
      throw new Error('started');
    },
    (e: unknown) => e as { code?: string; message: string },
  );
}

type Callback = { type: string; input: { name: string; value: unknown }[] };

/** Registers `username` through the JSON journey API; the final answer. */
async function register(url: string, username: string): Promise<{ status?: string }> {
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json()) as {
      journeyId: string;
      callbacks?: Callback[];
      status?: string;
    };
  let step = await post('/journeys/registration', { client_id: 'spa-app' });
  for (const values of [[username], ['a password'], [`${username}@example.com`, 30, true], [true]]) {
    if (!step.callbacks) break;
    const callbacks = step.callbacks.map((cb, i) => ({ ...cb, input: cb.input.map((f) => ({ ...f, value: values[i] })) }));
    step = await post(`/journeys/${step.journeyId}/continue`, { callbacks });
  }
  return step;
}

describe('serve: services.userStore', () => {
  it('"memory": a registration flow runs, and the same username cannot register twice', async () => {
    const server = await startServer({ ...base(), services: { userStore: 'memory' } }, { logger: silent, env: {} });
    running.push(server);
    expect(await register(server.url, 'kim')).toMatchObject({ status: 'success' });
    expect((await register(server.url, 'kim')).status).toBe('failure');
  });

  it('"redis": the users live in Redis, shared by two processes', async () => {
    const config = {
      ...base(),
      redis: { url: redis.url, prefix: `users-${Date.now()}:` },
      secretKeys: [KEY],
      services: { userStore: 'redis' as const },
    };
    const one = await startServer(config, { logger: silent, env: {} });
    running.push(one);
    const two = await startServer(config, { logger: silent, env: {} });
    running.push(two);
    expect(await register(one.url, 'lee')).toMatchObject({ status: 'success' });
    // Known on the other process: identify finds her, so the registration fails there.
    expect((await register(two.url, 'lee')).status).toBe('failure');
  });

  it('"redis" without Redis stores stops start-up naming /services/userStore and the fix', async () => {
    const error = await failure(startServer({ ...base(), services: { userStore: 'redis' } }, { logger: silent, env: {} }));
    expect(error).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringContaining('/services/userStore: is "redis" but the stores are in memory: set "redis"'),
    });
  });

  it('"file" without usersFile stops start-up naming the fix', async () => {
    const error = await failure(startServer({ ...base(), services: { userStore: 'file' } }, { logger: silent, env: {} }));
    expect(error).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringContaining('/services/userStore: is "file" but services.usersFile is not set'),
    });
  });

  it('an unknown kind is refused by the schema', async () => {
    const error = await failure(startServer({ ...base(), services: { userStore: 'ldap' as 'file' } }, { logger: silent, env: {} }));
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('/services/userStore') });
  });

  it('a flow with user-store steps and no user store stops start-up naming the node', async () => {
    const error = await failure(startServer(base(), { logger: silent, env: {} }));
    expect(error.message).toContain('flow "registration" node "identify" (user.identify) needs a user store');
    expect(error.message).toContain('flow "registration" node "create" (user.create) needs a user store');
  });
});
