import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Browser as Chromium } from 'playwright-core';
import type { OidcClientConfig } from '@waymark/oidc-provider';
import { launchBrowser } from '../../../test/support/browser.js';
import { Browser, formOf, startStack, webAppClient, type Stack } from './support.js';

/*
 * RFC 8628 device authorization through openid-client: the device asks for a user code, the
 * person opens the verification URI in a real browser (headless Chromium), types the code,
 * confirms it, and signs in through the client's Waymark flow (a journey); the device's poll
 * then gets the tokens. Bad input gets RFC 8628's answers, never a 500.
 */

const TV = 'tv-app';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function tvClient(extra: Partial<OidcClientConfig> = {}): OidcClientConfig {
  return {
    client_id: TV,
    client_name: 'Living-room TV',
    token_endpoint_auth_method: 'none',
    grant_types: [DEVICE_GRANT, 'refresh_token'],
    response_types: [],
    waymark: { flows: ['login'] },
    ...extra,
  };
}

const insecure = { execute: [oidc.allowInsecureRequests] };
const tvConfig = (stack: Stack) => oidc.discovery(new URL(stack.issuer), TV, undefined, oidc.None(), insecure);

/** Polls once, the way a device does: the token request with the device code. */
async function pollOnce(stack: Stack, deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: TV }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The person's browser without Chromium (cookies, manual redirects): opens the code page and posts a code. */
async function enterCode(
  stack: Stack,
  userCode: string,
  confirm?: 'confirm' | 'abort',
): Promise<{ browser: Browser; page: { url: string; status: number; body: string } }> {
  const browser = new Browser();
  const codePage = await browser.follow(`${stack.issuer}/device`, 'about:');
  const { fields } = formOf(codePage.body);
  let page = await browser.follow(`${stack.issuer}/device`, 'about:', {
    method: 'POST',
    body: new URLSearchParams({ ...fields, user_code: userCode }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (confirm) {
    const forms = [...page.body.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => formOf(m[0]));
    const chosen = forms.find((f) => (confirm === 'confirm' ? 'confirm' in f.fields : 'abort' in f.fields));
    if (!chosen) throw new Error(`no ${confirm} form: ${page.body.slice(0, 300)}`);
    page = await browser.follow(`${stack.issuer}/device`, 'about:', {
      method: 'POST',
      body: new URLSearchParams(chosen.fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  return { browser, page };
}

describe('device authorization (RFC 8628) whose user step is a Waymark journey', () => {
  let stack: Stack;
  let chromium: Chromium;
  beforeAll(async () => {
    stack = await startStack({ clients: [tvClient(), webAppClient(['login'])], extra: { grants: { deviceFlow: true } } });
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it('the person approves in Chromium and the device gets tokens for them', async () => {
    const config = await tvConfig(stack);
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
    expect(device.verification_uri).toBe(`${stack.issuer}/device`);
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    // RFC 8628 §3.5: before the person acts, the device is told to keep polling.
    expect(await pollOnce(stack, device.device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });

    const context = await chromium.newContext();
    const page = await context.newPage();
    await page.goto(device.verification_uri);
    expect(await page.textContent('h1')).toBe('Connect a device');
    await page.getByLabel('Code shown on your device').fill(device.user_code.toLowerCase());
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Continue' }).click()]);
    // RFC 8628 §5.4: the person sees which client asks and the code, to compare with the device's.
    expect(await page.textContent('#user-code')).toBe(device.user_code);
    expect(await page.textContent('main')).toContain('Living-room TV');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Continue' }).click()]);
    // The login is the client's Waymark flow: its credentials step.
    expect(page.url()).toContain('/oidc/interaction/');
    await page.fill('input[name="IDToken1"]', 'alice');
    await page.fill('input[name="IDToken2"]', 'correct horse');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('Device connected');
    await context.close();

    const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...device, interval: 0.01 });
    expect(tokens.claims()).toMatchObject({ sub: 'user-alice', aud: TV, iss: stack.issuer, amr: ['pwd'] });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // RFC 7662: the device (a public client) may introspect its own tokens.
    const refreshToken = tokens.refresh_token!;
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: TV, sub: 'user-alice' });
    expect(await oidc.tokenIntrospection(config, refreshToken)).toMatchObject({
      active: true,
      client_id: TV,
      scope: 'openid offline_access',
    });

    // The device code is used up: a second redemption is refused (RFC 8628 §3.5, RFC 6749 §5.2)
    // and, being a replay, revokes what the first one issued.
    expect(await pollOnce(stack, device.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(config, refreshToken)).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('an unknown user code shows the code page again with an alert, not an error', async () => {
    const { page } = await enterCode(stack, 'BCDF-GHJK');
    expect(page.status).toBe(200);
    expect(page.body).toContain('That code is not valid');
    expect(page.body).toContain('name="user_code"');
  });

  it('a cancelled confirmation denies the device with access_denied (RFC 8628 §3.5)', async () => {
    const device = await oidc.initiateDeviceAuthorization(await tvConfig(stack), { scope: 'openid' });
    const { page } = await enterCode(stack, device.user_code, 'abort');
    expect(page.body).toContain('The sign-in was cancelled');
    expect(await pollOnce(stack, device.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('an expired device code gets expired_token at the token endpoint and an alert on the code page', async () => {
    const device = await oidc.initiateDeviceAuthorization(await tvConfig(stack), { scope: 'openid' });
    // Expire the stored device code (its `exp`) instead of waiting ten minutes.
    const key = `oidc:DeviceCode:${device.device_code}`;
    const stored = (await stack.stores.kv.get(key)) as Record<string, unknown>;
    await stack.stores.kv.set(key, { ...stored, exp: Math.floor(Date.now() / 1000) - 1 }, 60);
    expect(await pollOnce(stack, device.device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
    const { page } = await enterCode(stack, device.user_code);
    expect(page.status).toBe(200);
    expect(page.body).toContain('That code has expired');
  });

  it('an unknown device code gets invalid_grant, and a client without the grant unauthorized_client', async () => {
    expect(await pollOnce(stack, 'no-such-device-code')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const res = await fetch(`${stack.issuer}/device/auth`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa('profile-app:profile-app-secret-0123456789abcdef')}`,
      },
      body: new URLSearchParams({ scope: 'openid' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client' });
  });
});

describe('device authorization switched off', () => {
  it('serves no device endpoint and advertises none', async () => {
    const stack = await startStack({ clients: [webAppClient(['login'])] });
    try {
      const config = await oidc.discovery(new URL(stack.issuer), 'profile-app', 'x', undefined, insecure);
      expect(config.serverMetadata().device_authorization_endpoint).toBeUndefined();
      expect((await fetch(`${stack.issuer}/device`)).status).toBe(404);
    } finally {
      await stack.close();
    }
  });
});
