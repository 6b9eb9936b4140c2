import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, startServer, type RunningServer } from '@waymark/cli';

/*
 * Issue 15, one client registry: the shipped config's one `clients` list is what both the
 * adapter and the OpenID Provider serve, through the control plane's client store, so a client
 * disabled there is refused by the provider's very next request.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let server: RunningServer;

beforeAll(async () => {
  const config = loadServerConfig(join(root, 'waymark.config.json'), {});
  server = await startServer({ ...config, port: 0 }, { logger: silent, env: {} });
});
afterAll(async () => {
  await server.close();
});

async function authorize(clientId: string): Promise<Response> {
  // The shipped issuer is http://localhost:3000: requests go to this server's port.
  const config = await oidc.discovery(new URL('http://localhost:3000/oidc'), clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: (url, init) => fetch(String(url).replace('http://localhost:3000', server.url), init),
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:8765/callback',
    scope: 'openid waymark:admin:read',
    resource: 'http://localhost:3000/admin',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  return fetch(url.href.replace('http://localhost:3000', server.url), { redirect: 'manual' });
}

describe('serve: one client registry for the adapter and the provider', () => {
  it('the provider serves a client of the top-level list (waymark-admin), derived from the client store', async () => {
    const res = await authorize('waymark-admin');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/oidc/interaction/');
  });

  it('a client disabled in the client store gets invalid_client from the provider at once', async () => {
    const store = server.control.clients;
    const record = (await store.get('waymark-admin'))!;
    expect(await store.put('waymark-admin', { ...record, enabled: false, updatedBy: 'test', updatedAt: Date.now() }, record.revision)).not.toBe(false);
    const res = await authorize('waymark-admin');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
    const now = (await store.get('waymark-admin'))!;
    await store.put('waymark-admin', { ...now, enabled: true, updatedBy: 'test', updatedAt: Date.now() }, now.revision);
    expect((await authorize('waymark-admin')).status).toBe(303);
  });
});
