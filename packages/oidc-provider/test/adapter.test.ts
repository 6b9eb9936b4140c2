import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { kvAdapter, type OidcStorageAdapter } from '@waymark/oidc-provider';
import { connectRedis, createRedisStores } from '@waymark/redis';
import type { Clock, KeyValueStore } from '@waymark/sdk';
import * as oidc from 'openid-client';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { buildForProcesses, root, startProviderProcess, token, type ProviderProcess } from './processes.js';
import { Browser, formOf, startStack, testJwks, testUsersFile, webAppClient, WEB_APP, type Stack } from './support.js';

/* The provider's storage adapter (oidc-provider's upsert / find / findByUid / findByUserCode /
 * consume / destroy / revokeByGrantId) on a Waymark key-value store: the same cases on memory
 * and on a real redis-server, then a whole code + PKCE login across two provider processes
 * that share one redis-server. */

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

interface Backend {
  kv: KeyValueStore;
  /** Whether a key exists in Redis, as the Redis stores lay it out (Redis only). */
  raw?: (key: string) => Promise<boolean>;
  /** The same stores as another process sees them: a second connection (Redis only). */
  peer?: () => Promise<{ kv: KeyValueStore; close(): void }>;
}

const backends: [string, (clock: Clock) => Backend][] = [
  ['memory', (clock) => ({ kv: createMemoryStores(clock).kv })],
  [
    'redis',
    (clock) => {
      const prefix = `oidc-adapter:${randomUUID()}:`;
      return {
        kv: createRedisStores({ redis: redisClient, prefix, clock }).kv,
        raw: async (key) => (await redisClient.exists(`${prefix}{${key}}:kv`)) === 1,
        peer: async () => {
          const other = await connectRedis(redis.url);
          return { kv: createRedisStores({ redis: other, prefix, clock }).kv, close: () => other.disconnect() };
        },
      };
    },
  ],
];

describe.each(backends)('kvAdapter (oidc-provider storage) on %s stores', (_name, backend) => {
  let now = 1_700_000_000_000;
  const clock: Clock = { now: () => now };
  let store: Backend;
  let adapter: (model: string) => OidcStorageAdapter;

  beforeAll(() => {
    store = backend(clock);
    const Adapter = kvAdapter(store.kv, clock.now);
    adapter = (model) => new Adapter(model);
  });

  it('finds what it stored, by id and by session uid, until the TTL ends', async () => {
    const sessions = adapter('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'alice' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'alice' });
    if (store.raw) expect([await store.raw('oidc:Session:s1'), await store.raw('oidc:uid:u1')]).toEqual([true, true]);
    now += 61_000;
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('keeps models apart: the same id in two models is two records', async () => {
    await adapter('Session').upsert('same', { uid: 'u2', kind: 'session' }, 60);
    await adapter('AccessToken').upsert('same', { kind: 'token' }, 60);
    expect((await adapter('Session').find('same'))?.kind).toBe('session');
    expect((await adapter('AccessToken').find('same'))?.kind).toBe('token');
  });

  it('marks a record consumed and keeps it until it expires', async () => {
    const codes = adapter('AuthorizationCode');
    const exp = Math.floor(now / 1000) + 60;
    await codes.upsert('c1', { exp, grantId: 'g0' }, 60);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBe(Math.floor(now / 1000));
    now += 30_000;
    expect((await codes.find('c1'))?.consumed).toBe(Math.floor((now - 30_000) / 1000));
    now += 31_000;
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('consume of an unknown id does nothing', async () => {
    await adapter('AuthorizationCode').consume('never-stored');
    expect(await adapter('AuthorizationCode').find('never-stored')).toBeUndefined();
  });

  it('destroys a record and its uid index', async () => {
    const sessions = adapter('Session');
    await sessions.upsert('s3', { uid: 'u3' }, 60);
    await sessions.destroy('s3');
    expect(await sessions.find('s3')).toBeUndefined();
    expect(await sessions.findByUid('u3')).toBeUndefined();
    if (store.raw) expect([await store.raw('oidc:Session:s3'), await store.raw('oidc:uid:u3')]).toEqual([false, false]);
  });

  it('revokes every artefact of a grant and none of another grant', async () => {
    const tokens = adapter('AccessToken');
    const refresh = adapter('RefreshToken');
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await refresh.upsert('r1', { grantId: 'g1' }, 600);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await refresh.find('r1')).toBeUndefined();
    expect(await tokens.find('t2')).toEqual({ grantId: 'g2' });
    if (store.raw) expect([await store.raw('oidc:grant:g1'), await store.raw('oidc:grant:g2')]).toEqual([false, true]);
  });

  it('finds a device code by its user code; destroying or revoking it removes the user code too', async () => {
    const devices = adapter('DeviceCode');
    await devices.upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await devices.findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
    await devices.destroy('d1');
    expect(await devices.findByUserCode('ABCD-EFGH')).toBeUndefined();
    await devices.upsert('d2', { userCode: 'IJKL-MNOP', grantId: 'g3' }, 60);
    await devices.revokeByGrantId('g3');
    expect(await devices.findByUserCode('IJKL-MNOP')).toBeUndefined();
    if (store.raw) expect(await store.raw('oidc:userCode:IJKL-MNOP')).toBe(false);
  });
});

describe('kvAdapter on Redis from two connections (two processes)', () => {
  it('one reads what the other wrote, and sees it consumed and revoked', async () => {
    let now = 1_700_000_000_000;
    const clock: Clock = { now: () => now };
    const store = backends[1]![1](clock);
    const peer = await store.peer!();
    try {
      const mine = new (kvAdapter(store.kv, clock.now))('AuthorizationCode');
      const theirs = new (kvAdapter(peer.kv, clock.now))('AuthorizationCode');
      await mine.upsert('c-shared', { exp: Math.floor(now / 1000) + 60, grantId: 'g-shared' }, 60);
      expect(await theirs.find('c-shared')).toMatchObject({ grantId: 'g-shared' });
      now += 1000;
      await theirs.consume('c-shared');
      expect((await mine.find('c-shared'))?.consumed).toBe(Math.floor(now / 1000));
      await theirs.revokeByGrantId('g-shared');
      expect(await mine.find('c-shared')).toBeUndefined();
    } finally {
      peer.close();
    }
  });
});

describe('two provider instances in one process sharing memory stores', () => {
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    // One deployment: shared stores, cookie keys and journey sealing keys.
    const stores = createMemoryStores();
    const secretKeys = [randomBytes(32).toString('base64url')];
    a = await startStack({ stores, secretKeys });
    b = await startStack({ stores, secretKeys });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('answers at instance B the sign-in page instance A served, and B redeems the code A issued', async () => {
    const config = await oidc.discovery(new URL(a.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.redirect,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const page = await browser.follow(url.href, WEB_APP.redirect);
    // The credentials form of instance A is answered at instance B (same keys, same stores).
    const form = new URLSearchParams(
      Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
    );
    form.set('IDToken1', 'alice');
    form.set('IDToken2', 'correct horse');
    const end = await browser.follow(page.url.replace(a.origin, b.origin), WEB_APP.redirect, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const code = new URL(end.location as string).searchParams.get('code') as string;
    const res = await fetch(`${b.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${WEB_APP.id}:${WEB_APP.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: WEB_APP.redirect, code_verifier: verifier }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id_token?: string }).id_token).toEqual(expect.any(String));
  });

  it('gives each client its own default flow, whatever flows other clients allow', async () => {
    const stack = await startStack({
      clients: [webAppClient(['session-only']), { ...webAppClient(['password']), client_id: 'other-app' }],
    });
    try {
      const config = await oidc.discovery(new URL(stack.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: WEB_APP.redirect,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const end = await new Browser().follow(url.href, WEB_APP.redirect);
      // session-only fails without a session; password would have shown a page.
      expect(new URL(end.location as string).searchParams.get('error')).toBe('access_denied');
    } finally {
      await stack.close();
    }
  });
});

describe('two provider processes sharing one redis-server', () => {
  let a: ProviderProcess;
  let b: ProviderProcess;
  const prefix = 'oidc-processes:';

  beforeAll(async () => {
    // The processes run the built packages (dist), as a deployment does; tsc -b is incremental.
    buildForProcesses();
    // One deployment: the same redis-server, signing keys, cookie keys and journey sealing keys.
    const common = {
      redisUrl: redis.url,
      prefix,
      jwks: await testJwks(),
      cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
      secretKeys: [randomBytes(32).toString('base64url')],
      usersFile: await testUsersFile(),
      flows: [`${root}flows/login.json`],
      clients: [webAppClient(['login'])],
    };
    a = await startProviderProcess(common);
    // Behind one load balancer: B serves A's issuer.
    b = await startProviderProcess({ ...common, issuer: a.issuer });
  }, 200_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('a code + PKCE login started at A, signed in at B, redeemed at B; the code replayed at A is refused and the grant revoked everywhere', async () => {
    const config = await oidc.discovery(new URL(a.issuer), WEB_APP.id, WEB_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: WEB_APP.redirect,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    // A serves the sign-in page (its interaction and the journey go to Redis)...
    const page = await browser.follow(url.href, WEB_APP.redirect);
    expect(page.url.startsWith(a.origin)).toBe(true);
    const { action, fields } = formOf(page.body);
    // ...and B answers it: the interaction, the journey and the session come from Redis.
    const end = await browser.follow(new URL(action, page.url).href.replace(a.origin, b.origin), WEB_APP.redirect, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, IDToken1: 'alice', IDToken2: 'correct horse' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const code = new URL(end.location as string).searchParams.get('code');
    expect(code).toEqual(expect.any(String));

    const redeemed = await token(`${b.origin}/oidc`, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: WEB_APP.redirect,
      code_verifier: verifier,
    });
    expect(redeemed.status).toBe(200);
    const claims = JSON.parse(Buffer.from(String(redeemed.body.id_token).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ iss: a.issuer, sub: 'user-alice', aud: WEB_APP.id });
    const accessToken = String(redeemed.body.access_token);
    const userinfo = await fetch(`${a.origin}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect({ status: userinfo.status, sub: ((await userinfo.json()) as { sub?: string }).sub }).toEqual({ status: 200, sub: 'user-alice' });

    // Everything lives in the one Redis, under the deployment's prefix; the interaction is gone (the login finished).
    const keys = await redisClient.keys(`${prefix}{oidc:*`);
    expect(keys.some((k) => k.startsWith(`${prefix}{oidc:Interaction:`))).toBe(false);
    for (const model of ['Session', 'AuthorizationCode', 'AccessToken', 'Grant'])
      expect({ model, stored: keys.some((k) => k.startsWith(`${prefix}{oidc:${model}:`)) }).toEqual({ model, stored: true });

    // RFC 6749 §4.1.2: a code is used once; a second use revokes what it issued (B's consume, seen by A).
    const replayed = await token(`${a.origin}/oidc`, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: WEB_APP.redirect,
      code_verifier: verifier,
    });
    expect({ status: replayed.status, error: replayed.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    const revoked = await fetch(`${b.origin}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(revoked.status).toBe(401);
  });
});
