import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as oidc from 'openid-client';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { createOidcProvider, type CibaApproval, type OidcClientConfig } from '@waymark/oidc-provider';
import { Browser, formOf, passwordFlow, sessionOnlyFlow, startStack, testJwks, testUsers, webAppClient, type Stack } from './support.js';

/*
 * OpenID Connect CIBA (poll mode) through openid-client: the agent asks for the person by
 * `login_hint`; the notifier hook receives a one-time approval link; the person opens it and
 * completes a Waymark journey (the `password` flow); the agent's poll gets tokens for them.
 * Bad input gets CIBA §13's errors, never a 500.
 */

const AGENT = { id: 'shopping-agent', secret: 'shopping-agent-secret-0123456789abcdef' };
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

function agentClient(extra: Partial<OidcClientConfig> = {}): OidcClientConfig {
  return {
    client_id: AGENT.id,
    client_secret: AGENT.secret,
    client_name: 'Shopping agent',
    grant_types: [CIBA_GRANT],
    response_types: [],
    backchannel_token_delivery_mode: 'poll',
    waymark: { flows: ['password', 'session-only'] },
    ...extra,
  };
}

const insecure = { execute: [oidc.allowInsecureRequests] };

/** One poll of the token endpoint, as the agent does between its waits. */
async function pollOnce(stack: Stack, authReqId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${AGENT.id}:${AGENT.secret}`)}` },
    body: new URLSearchParams({ grant_type: CIBA_GRANT, auth_req_id: authReqId }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The person opens the link and signs in through the journey's form. */
async function approveInBrowser(url: string, username: string, password: string): Promise<{ status: number; body: string }> {
  const browser = new Browser();
  const page = await browser.follow(url, 'about:');
  expect(page.status).toBe(200);
  const { action, fields } = formOf(page.body);
  const named = (type: string) => new RegExp(`name="(IDToken\\d+)" type="${type}"`).exec(page.body)?.[1] ?? '';
  const done = await browser.follow(new URL(action, url).href, 'about:', {
    method: 'POST',
    body: new URLSearchParams({ ...fields, [named('text')]: username, [named('password')]: password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: done.status, body: done.body };
}

describe('CIBA poll mode whose approval is a Waymark journey', () => {
  let stack: Stack;
  let config: oidc.Configuration;
  const approvals: CibaApproval[] = [];
  beforeAll(async () => {
    const users = await testUsers();
    stack = await startStack({
      clients: [agentClient(), webAppClient(['login'])],
      extra: {
        grants: { ciba: true },
        ciba: {
          // A username, or `bob`, a person the user store does not know but the directory does.
          findSubject: async (hint) => (hint === 'bob' ? 'user-bob' : (await users.findByUsername(hint))?.sub),
          notify: (approval) => {
            // A delivery that fails (the push service is down).
            if (approval.bindingMessage === 'unreachable') throw new Error('push service down');
            approvals.push(approval);
          },
        },
      },
    });
    config = await oidc.discovery(new URL(stack.issuer), AGENT.id, AGENT.secret, undefined, insecure);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the person approves through the journey at the notified link, and the agent's poll gets their tokens", async () => {
    const started = await oidc.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: 'alice',
      binding_message: 'Order 4711',
    });
    expect(started.expires_in).toBeGreaterThan(0);
    const approval = approvals.at(-1)!;
    expect(approval).toMatchObject({
      sub: 'user-alice',
      clientId: AGENT.id,
      clientName: 'Shopping agent',
      scope: 'openid',
      bindingMessage: 'Order 4711',
    });
    expect(approval.url).toBe(`${stack.issuer}/ciba/${approval.approvalId}`);
    // The link is not the agent's handle.
    expect(approval.url).not.toContain(started.auth_req_id);
    // CIBA §11: until the person acts, authorization_pending.
    expect(await pollOnce(stack, started.auth_req_id)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });

    const done = await approveInBrowser(approval.url, 'alice', 'correct horse');
    expect(done).toMatchObject({ status: 200 });
    expect(done.body).toContain('Request approved');

    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0.01 });
    expect(tokens.claims()).toMatchObject({
      sub: 'user-alice',
      aud: AGENT.id,
      iss: stack.issuer,
      acr: 'urn:waymark:password',
      amr: ['pwd'],
    });
    // The request is used up (CIBA §11: invalid_grant), and so is the link.
    expect(await pollOnce(stack, started.auth_req_id)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const again = await new Browser().request(approval.url);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('This approval link is not valid any more');
  });

  it('a push stand-in completes the same journey through JSON callbacks', async () => {
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    const { url } = approvals.at(-1)!;
    const step = (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as {
      journeyId: string;
      callbacks: { type: string; input: { name: string; value: unknown }[] }[];
    };
    for (const cb of step.callbacks) cb.input[0]!.value = cb.type === 'PasswordCallback' ? 'correct horse' : 'alice';
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(step) });
    expect(await res.json()).toEqual({ status: 'success' });
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0.01 });
    expect(tokens.claims()?.sub).toBe('user-alice');
  });

  it('a journey that identifies someone else denies the request with access_denied (CIBA §11)', async () => {
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'bob' });
    const approval = approvals.at(-1)!;
    expect(approval.sub).toBe('user-bob');
    const done = await approveInBrowser(approval.url, 'alice', 'correct horse');
    expect(done.status).toBe(403);
    expect(done.body).toContain('This request was for someone else');
    expect(await pollOnce(stack, started.auth_req_id)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it("a journey that fails denies the request with access_denied and the journey's reason", async () => {
    // acr_values picks the client's session-only flow, which fails without a Waymark session.
    const started = await oidc.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: 'alice',
      acr_values: 'session-only',
    });
    const page = await new Browser().request(approvals.at(-1)!.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Request denied');
    expect(await pollOnce(stack, started.auth_req_id)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('another channel denies through op.ciba.deny, and approves through op.ciba.approve', async () => {
    const denied = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    await stack.op.ciba!.deny(approvals.at(-1)!.approvalId, 'the person declined on their phone');
    expect(await pollOnce(stack, denied.auth_req_id)).toMatchObject({
      status: 400,
      body: { error: 'access_denied', error_description: 'the person declined on their phone' },
    });
    const approved = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    await stack.op.ciba!.approve(approvals.at(-1)!.approvalId, {
      accountId: 'user-alice',
      acr: 'urn:example:push',
      ts: Math.floor(Date.now() / 1000),
      remember: false,
    });
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...approved, interval: 0.01 });
    expect(tokens.claims()).toMatchObject({ sub: 'user-alice', acr: 'urn:example:push' });
  });

  it('a notifier that cannot reach the person answers 503 temporarily_unavailable, not a 500', async () => {
    const res = await fetch(`${stack.issuer}/backchannel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${AGENT.id}:${AGENT.secret}`)}` },
      body: new URLSearchParams({ scope: 'openid', login_hint: 'alice', binding_message: 'unreachable' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: 'the person could not be reached; try again later',
    });
  });

  it('refuses a login_hint that names nobody with unknown_user_id (CIBA §13)', async () => {
    const before = approvals.length;
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'mallory' })).rejects.toMatchObject({
      error: 'unknown_user_id',
    });
    expect(approvals).toHaveLength(before);
  });

  it('refuses a request without a hint, or without openid, with invalid_request (CIBA §7.1, §13)', async () => {
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'openid' })).rejects.toMatchObject({ error: 'invalid_request' });
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'profile', login_hint: 'alice' })).rejects.toMatchObject({
      error: 'invalid_request',
    });
  });

  it('refuses an unusable binding_message with invalid_binding_message (CIBA §13)', async () => {
    await expect(
      oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice', binding_message: '<script>' }),
    ).rejects.toMatchObject({
      error: 'invalid_binding_message',
    });
  });

  it('an expired request gets expired_token (CIBA §11) and its link is no longer valid', async () => {
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    // Expire the stored request (its `exp`) instead of waiting for it.
    const key = `oidc:BackchannelAuthenticationRequest:${started.auth_req_id}`;
    const stored = (await stack.stores.kv.get(key)) as Record<string, unknown>;
    await stack.stores.kv.set(key, { ...stored, exp: Math.floor(Date.now() / 1000) - 1 }, 60);
    expect(await pollOnce(stack, started.auth_req_id)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
    expect((await new Browser().request(approvals.at(-1)!.url)).status).toBe(404);
  });

  it('a bad link or a forged form at the approval page gets a 4xx page, never a 500', async () => {
    expect((await fetch(`${stack.issuer}/ciba/%E0%A4%A`)).status).toBe(400);
    await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    const { url } = approvals.at(-1)!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // A form without the token this browser was served (CSRF), then a journey that does not exist.
    const forged = await fetch(url, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ journeyId: 'j', csrf: 'x', IDToken1: 'alice' }),
    });
    expect(forged.status).toBe(403);
    const unknown = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ journeyId: 'nope', callbacks: [] }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'ERR_JOURNEY_NOT_FOUND' });
  });

  it('an unknown auth_req_id gets invalid_grant, an unknown link 404, a client without the grant unauthorized_client', async () => {
    expect(await pollOnce(stack, 'no-such-request')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const res = await new Browser().request(`${stack.issuer}/ciba/no-such-approval`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', code: 'ERR_CIBA_APPROVAL_NOT_FOUND' });
    const webApp = await oidc.discovery(new URL(stack.issuer), 'profile-app', 'profile-app-secret-0123456789abcdef', undefined, insecure);
    await expect(oidc.initiateBackchannelAuthentication(webApp, { scope: 'openid', login_hint: 'alice' })).rejects.toMatchObject({
      error: 'unauthorized_client',
    });
  });
});

describe('CIBA options', () => {
  it('refuses grants.ciba without the findSubject hook at start-up, naming /ciba', async () => {
    const stores = createMemoryStores();
    const engine = await createEngine({ nodes: builtinNodes, stores });
    engine.load(passwordFlow);
    engine.load(sessionOnlyFlow);
    const options = { issuer: 'https://login.example.com/oidc', engine, stores, jwks: await testJwks(), cookieKeys: ['k'.repeat(32)] };
    expect(() => createOidcProvider({ ...options, clients: [agentClient()], grants: { ciba: true } })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        details: expect.objectContaining({ problems: [expect.objectContaining({ pointer: '/ciba' })] }),
      }),
    );
  });

  it('serves no backchannel endpoint when CIBA is off', async () => {
    const stack = await startStack({ clients: [webAppClient(['login'])] });
    try {
      const config = await oidc.discovery(new URL(stack.issuer), 'profile-app', 'x', undefined, insecure);
      expect(config.serverMetadata().backchannel_authentication_endpoint).toBeUndefined();
      expect((await fetch(`${stack.issuer}/ciba/anything`)).status).toBe(404);
    } finally {
      await stack.close();
    }
  });
});
