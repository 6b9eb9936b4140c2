import { describe, expect, it } from '@jest/globals';
import { studioClientConfig } from '../src/server/studio-config.js';

/* How `waymark serve`'s studio signs in, from the serve config: or what the page tells the operator to add. */

const issuer = 'http://localhost:3000';
const admin = { issuers: [{ issuer: `${issuer}/oidc` }] };
const client = {
  client_id: 'waymark-admin',
  token_endpoint_auth_method: 'none',
  redirect_uris: [`${issuer}/studio/callback`],
  cors_origins: [issuer],
};
const oidc = { issuer: `${issuer}/oidc` } as never;

describe('studioClientConfig', () => {
  it('signs in with the public client listing the studio redirect URI, for the admin audience and scopes', () => {
    expect(studioClientConfig({ issuer, admin, oidc, clients: [client] })).toEqual({
      mode: 'server',
      adminApi: `${issuer}/admin/v1`,
      signIn: {
        issuer: `${issuer}/oidc`,
        clientId: 'waymark-admin',
        redirectUri: `${issuer}/studio/callback`,
        resource: `${issuer}/admin`,
        scope: 'openid waymark:admin:read waymark:admin:write',
      },
    });
  });

  it('says what to add when sign-in cannot work', () => {
    const help = (input: Parameters<typeof studioClientConfig>[0]) => (studioClientConfig(input) as { signInHelp?: string }).signInHelp;
    expect(help({ issuer, admin, oidc: undefined, clients: [client] })).toMatch(/add an "oidc" section/);
    expect(help({ issuer, admin, oidc, clients: [{ ...client, redirect_uris: ['http://127.0.0.1:8765/callback'] }] })).toContain(
      `add "${issuer}/studio/callback" to the "redirect_uris"`,
    );
    expect(help({ issuer, admin, oidc, clients: [{ ...client, cors_origins: [] }] })).toContain(`add "${issuer}" to "cors_origins"`);
    expect(help({ issuer, admin, oidc, clients: [{ ...client, cors_origins: [], cors_policy: 'any_origin' }] })).toBeUndefined();
    expect(help({ issuer, admin: { issuers: [{ issuer: 'https://other.example' }] }, oidc, clients: [client] })).toContain(
      'to "admin.issuers"',
    );
  });
});

describe('waymark serve: /studio', () => {
  it('is served only when the admin API is on', async () => {
    const { join } = await import('node:path');
    const { startServer } = await import('@waymark/cli');
    const root = new URL('../../../', import.meta.url).pathname;
    const base = {
      issuer,
      port: 0,
      flows: [join(root, 'flows/password-login.json')],
      clients: [],
      services: { usersFile: join(root, 'flows/fixtures/users.json') },
    };
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const without = await startServer(base as never, { logger: silent, env: {} });
    const withAdmin = await startServer({ ...base, admin } as never, { logger: silent, env: {} });
    try {
      expect((await fetch(`${without.url}/studio/config.json`)).status).toBe(404);
      const res = await fetch(`${withAdmin.url}/studio/config.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(((await res.json()) as { signInHelp: string }).signInHelp).toMatch(/add an "oidc" section/);
    } finally {
      await Promise.all([without.close(), withAdmin.close()]);
    }
  });
});
