import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { kvAdapter } from '@waymark/oidc-provider';
import { connectRedis, createRedisStores } from '@waymark/redis';
import type { Clock, CounterStore, KeyValueStore } from '@waymark/sdk';
import * as oidc from 'openid-client';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { buildForProcesses, root, startProviderProcess, token, type ProviderProcess } from './processes.js';
import { Browser, formOf, testJwks, testUsersFile, webAppClient, WEB_APP } from './support.js';

/* Issue #15: authorization codes, device codes and refresh tokens are consumed atomically. Two
 * redemptions of one code used to both succeed on Redis (read, see unconsumed, write): the
 * adapter now counts redemptions with the counter store's atomic increment, and only the first
 * goes on. Checked on the adapter (memory, and Redis from two connections), then with 50
 * concurrent token requests against two provider processes sharing one redis-server. */

let redis: RedisServer;
let redisClient: Awaited<ReturnType<typeof connectRedis>>;

beforeAll(async () => {
  redis = await startRedisServer();
  redisClient = await connectRedis(redis.url);
});
afterAll(async () => {
  redisClient?.disconnect();
  await redis?.dispose();
});

interface Side {
  kv: KeyValueStore;
  counters: CounterStore;
}

/** Two views of one deployment's stores: the same memory stores twice, or two Redis connections. */
const backends: [string, (clock: Clock) => Promise<{ sides: [Side, Side]; close(): void }>][] = [
  [
    'memory',
    async (clock) => {
      const stores = createMemoryStores(clock);
      return { sides: [stores, stores], close() {} };
    },
  ],
  [
    'redis (two connections)',
    async (clock) => {
      const prefix = `oidc-atomic:${randomUUID()}:`;
      const other = await connectRedis(redis.url);
      return {
        sides: [createRedisStores({ redis: redisClient, prefix, clock }), createRedisStores({ redis: other, prefix, clock })],
        close: () => other.disconnect(),
      };
    },
  ],
];

describe.each(backends)('atomic consume on %s stores', (_name, backend) => {
  const now = 1_700_000_000_000;
  const clock: Clock = { now: () => now };

  it.each(['AuthorizationCode', 'DeviceCode', 'RefreshToken', 'BackchannelAuthenticationRequest'])(
    'of 50 concurrent consumes of one %s, one succeeds; the others get invalid_grant and the grant is revoked',
    async (model) => {
      const { sides, close } = await backend(clock);
      try {
        const adapters = sides.map((side) => new (kvAdapter(side.kv, clock.now, side.counters))(model));
        const tokens = new (kvAdapter(sides[0].kv, clock.now, sides[0].counters))('AccessToken');
        const grantId = `g-${randomUUID()}`;
        await adapters[0]!.upsert('once', { exp: Math.floor(now / 1000) + 60, grantId }, 60);
        await tokens.upsert('issued-before', { grantId }, 60);
        const grants = new (kvAdapter(sides[1].kv, clock.now, sides[1].counters))('Grant');
        await grants.upsert(grantId, { accountId: 'user-alice' }, 600);
        const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => adapters[i % 2]!.consume('once')));
        const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(outcomes.length - refused.length).toBe(1);
        expect(new Set(refused.map((o) => (o.reason as { error?: string; statusCode?: number }).error))).toEqual(
          new Set(['invalid_grant']),
        );
        expect(new Set(refused.map((o) => (o.reason as { statusCode?: number }).statusCode))).toEqual(new Set([400]));
        // RFC 6749 §4.1.2 / RFC 9700 §4.14.2: a reuse revokes what the grant issued.
        expect(await tokens.find('issued-before')).toBeUndefined();
        expect(await grants.find(grantId)).toBeUndefined();
      } finally {
        close();
      }
    },
  );

  it('a pushed request consumed twice is invalid_request_uri (RFC 9126 §4), not invalid_grant', async () => {
    const { sides, close } = await backend(clock);
    try {
      const [a, b] = sides.map((side) => new (kvAdapter(side.kv, clock.now, side.counters))('PushedAuthorizationRequest'));
      await a!.upsert('par', { exp: Math.floor(now / 1000) + 60 }, 60);
      await a!.consume('par');
      await expect(b!.consume('par')).rejects.toMatchObject({ error: 'invalid_request_uri' });
    } finally {
      close();
    }
  });
});

/** A public client: oidc-provider rotates its refresh tokens at every use. */
const NATIVE = {
  client_id: 'native-app',
  token_endpoint_auth_method: 'none',
  redirect_uris: [WEB_APP.redirect],
  grant_types: ['authorization_code', 'refresh_token'],
  waymark: { flows: ['login'] },
};

/** alice signs in at `issuer` as `clientId`; the authorization code and its verifier. */
async function signIn(config: oidc.Configuration, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB_APP.redirect,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  const browser = new Browser();
  const page = await browser.follow(url.href, WEB_APP.redirect);
  const { action, fields } = formOf(page.body);
  const end = await browser.follow(new URL(action, page.url).href, WEB_APP.redirect, {
    method: 'POST',
    body: new URLSearchParams({ ...fields, IDToken1: 'alice', IDToken2: 'correct horse' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { code: new URL(end.location as string).searchParams.get('code') as string, callback: new URL(end.location as string), verifier };
}

/** A token request of the public native app (client_id in the body). */
async function publicToken(at: string, body: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${at}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...body, client_id: NATIVE.client_id }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('50 concurrent redemptions of one code at two provider processes sharing one redis-server', () => {
  let a: ProviderProcess;
  let b: ProviderProcess;

  beforeAll(async () => {
    buildForProcesses();
    const common = {
      redisUrl: redis.url,
      prefix: `oidc-race:${randomUUID()}:`,
      jwks: await testJwks(),
      cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
      secretKeys: [randomBytes(32).toString('base64url')],
      usersFile: await testUsersFile(),
      flows: [`${root}flows/login.json`],
      clients: [webAppClient(['login']), NATIVE],
    };
    a = await startProviderProcess(common);
    b = await startProviderProcess({ ...common, issuer: a.issuer });
  }, 200_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('gives exactly one token response; the 49 others are invalid_grant', async () => {
    const config = await oidc.discovery(new URL(a.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const { code, verifier } = await signIn(config, 'openid');
    expect(code).toEqual(expect.any(String));

    const body = { grant_type: 'authorization_code', code, redirect_uri: WEB_APP.redirect, code_verifier: verifier };
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => token(`${(i % 2 === 0 ? a : b).origin}/oidc`, body)));
    const issued = answers.filter((answer) => answer.status === 200);
    expect(issued).toHaveLength(1);
    expect(issued[0]!.body.access_token).toEqual(expect.any(String));
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.map((answer) => `${answer.status} ${String(answer.body.error)}`)).toEqual(Array(49).fill('400 invalid_grant'));
  });

  it('signs in at A, redeems at B, rotates the refresh token once: of 20 concurrent refreshes, one gets new tokens, the others invalid_grant, and the family is revoked', async () => {
    const config = await oidc.discovery(new URL(a.issuer), NATIVE.client_id, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    // Signed in at A (every page and the code from A), the code redeemed at B.
    const { code, verifier } = await signIn(config, 'openid offline_access', { prompt: 'consent' });
    const redeemed = await publicToken(`${b.origin}/oidc`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: WEB_APP.redirect,
      code_verifier: verifier,
    });
    expect(redeemed).toMatchObject({ status: 200, body: { refresh_token: expect.any(String), id_token: expect.any(String) } });
    const body = { grant_type: 'refresh_token', refresh_token: String(redeemed.body.refresh_token) };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => publicToken(`${(i % 2 === 0 ? a : b).origin}/oidc`, body)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${String(answer.body.error)}`)).toEqual(
      Array(19).fill('400 invalid_grant'),
    );
    // RFC 9700 §4.14.2: a reused refresh token revokes the family, the rotated one included.
    const rotated = String(answers.find((answer) => answer.status === 200)!.body.refresh_token);
    expect((await publicToken(`${a.origin}/oidc`, { grant_type: 'refresh_token', refresh_token: rotated })).body.error).toBe(
      'invalid_grant',
    );
  });
});
