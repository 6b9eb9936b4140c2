import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { connectRedis, createRedisControlStores, type RedisControlStores } from '@waymark/redis';
import type { JsonObject } from '@waymark/sdk';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { buildForProcesses, root, startProviderProcess, type ProviderProcess } from './processes.js';
import { testJwks, testUsersFile } from './support.js';

/*
 * Issue #15, one client model: "a disabled client gets invalid_client everywhere at once,
 * across processes". Two provider processes of one deployment read their clients from the
 * control plane's client store on one redis-server; the test process changes the store the
 * way the admin API does, and the very next request at either process sees the change.
 */

const SERVICE = { id: 'process-agent', secret: 'process-agent-secret-0123456789abcdefgh' };

let redis: RedisServer;
let redisClient: Awaited<ReturnType<typeof connectRedis>>;
let control: RedisControlStores;
let a: ProviderProcess;
let b: ProviderProcess;

/** Puts the service client into the shared store, as the admin API would (a write conditioned on the revision). */
async function putService(config: JsonObject, enabled: boolean): Promise<void> {
  const current = await control.clients.get(SERVICE.id);
  const saved = await control.clients.put(
    SERVICE.id,
    { config: { client_id: SERVICE.id, ...config }, secret: SERVICE.secret, enabled, updatedAt: Date.now(), updatedBy: 'test' },
    current?.revision ?? null,
  );
  if (saved === false) throw new Error('client store write lost');
}

const serviceConfig = (scopes: string[]): JsonObject => ({
  type: 'service',
  allowed_flows: ['login'],
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  allowed_scopes: scopes,
});

/** A client credentials token request (RFC 6749 §4.4) of the service at one process. */
async function clientCredentials(at: ProviderProcess, scope: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${at.origin}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${SERVICE.id}:${SERVICE.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  redis = await startRedisServer();
  redisClient = await connectRedis(redis.url);
  const prefix = `oidc-clients:${randomUUID()}:`;
  control = createRedisControlStores({ redis: redisClient, prefix });
  buildForProcesses();
  const common = {
    redisUrl: redis.url,
    prefix,
    clientStore: true,
    extra: { grants: { clientCredentials: true } },
    jwks: await testJwks(),
    cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
    secretKeys: [randomBytes(32).toString('base64url')],
    usersFile: await testUsersFile(),
    flows: [`${root}flows/login.json`],
  };
  a = await startProviderProcess(common);
  b = await startProviderProcess({ ...common, issuer: a.issuer });
}, 200_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  redisClient?.disconnect();
  await redis?.dispose();
});

describe('clients of the Redis client store, served by two provider processes', () => {
  it('a client put in the store gets tokens at both processes', async () => {
    await putService(serviceConfig(['tools:read']), true);
    for (const at of [a, b]) {
      const answer = await clientCredentials(at, 'tools:read');
      expect(answer).toMatchObject({ status: 200, body: { access_token: expect.any(String), token_type: 'Bearer' } });
    }
  });

  it('disabled in the store, it gets invalid_client at both processes by the very next request', async () => {
    await putService(serviceConfig(['tools:read']), true);
    expect((await clientCredentials(b, 'tools:read')).status).toBe(200);
    await putService(serviceConfig(['tools:read']), false);
    for (const at of [a, b]) {
      // RFC 6749 §5.2: an unknown or disabled client is invalid_client, 401.
      expect(await clientCredentials(at, 'tools:read')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    }
    await putService(serviceConfig(['tools:read']), true);
    for (const at of [a, b]) expect((await clientCredentials(at, 'tools:read')).status).toBe(200);
  });

  it('a changed token lifetime is served by both processes from the next request', async () => {
    await putService({ ...serviceConfig(['tools:read']), access_token_ttl: 120 }, true);
    for (const at of [a, b]) expect(await clientCredentials(at, 'tools:read')).toMatchObject({ status: 200, body: { expires_in: 120 } });
    await putService({ ...serviceConfig(['tools:read']), access_token_ttl: 300 }, true);
    for (const at of [a, b]) expect(await clientCredentials(at, 'tools:read')).toMatchObject({ status: 200, body: { expires_in: 300 } });
  });
});
