import { randomBytes } from 'node:crypto';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { kvAdapter } from '@waymark/oidc-provider';
import type { Clock } from '@waymark/sdk';
import * as oidc from 'openid-client';
import { Browser, startStack, webAppClient, WEB_APP, type Stack } from './support.js';

describe('kvAdapter (oidc-provider storage on stores.kv)', () => {
  let now = 1_700_000_000_000;
  const clock: Clock = { now: () => now };
  const stores = createMemoryStores(clock);
  const Session = kvAdapter(stores.kv, clock.now);
  const AccessToken = kvAdapter(stores.kv, clock.now);

  it('finds what it stored, by id and by session uid, until the TTL ends', async () => {
    const sessions = new Session('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'alice' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'alice' });
    now += 61_000;
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('keeps models apart: the same id in two models is two records', async () => {
    await new Session('Session').upsert('same', { uid: 'u2', kind: 'session' }, 60);
    await new AccessToken('AccessToken').upsert('same', { kind: 'token' }, 60);
    expect((await new Session('Session').find('same'))?.kind).toBe('session');
    expect((await new AccessToken('AccessToken').find('same'))?.kind).toBe('token');
  });

  it('marks a record consumed and keeps it until it expires', async () => {
    const codes = new (kvAdapter(stores.kv, clock.now))('AuthorizationCode');
    const exp = Math.floor(now / 1000) + 60;
    await codes.upsert('c1', { exp, grantId: 'g0' }, 60);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBe(Math.floor(now / 1000));
    now += 61_000;
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('destroys a record and its uid index', async () => {
    const sessions = new Session('Session');
    await sessions.upsert('s3', { uid: 'u3' }, 60);
    await sessions.destroy('s3');
    expect(await sessions.find('s3')).toBeUndefined();
    expect(await sessions.findByUid('u3')).toBeUndefined();
  });

  it('revokes every artefact of a grant and none of another grant', async () => {
    const tokens = new AccessToken('AccessToken');
    const refresh = new (kvAdapter(stores.kv, clock.now))('RefreshToken');
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await refresh.upsert('r1', { grantId: 'g1' }, 600);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await refresh.find('r1')).toBeUndefined();
    expect(await tokens.find('t2')).toEqual({ grantId: 'g2' });
  });

  it('finds a device code by its user code', async () => {
    const devices = new (kvAdapter(stores.kv, clock.now))('DeviceCode');
    await devices.upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await devices.findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
  });
});

describe('two provider processes sharing one set of stores', () => {
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

  it('answers at process B the sign-in page process A served, and B redeems the code A issued', async () => {
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
    // The credentials form of process A is answered at process B (same keys, same stores).
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
