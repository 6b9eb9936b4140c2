import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * The `oidc.grants` section of the serve configuration: client credentials and CIBA switched on
 * in waymark.config.json, used over real HTTP by openid-client. CIBA's person is found in the
 * users file and its approval link is written to the log (development only).
 */

const root = new URL('../../../', import.meta.url).pathname;
const ISSUER = 'http://localhost:3000';
const API = 'http://localhost:3000/tools';
const SERVICE = { id: 'tool-runner', secret: 'tool-runner-secret-0123456789abcdef' };
const AGENT = { id: 'shopping-agent', secret: 'shopping-agent-secret-0123456789abcdef' };
const clients = [
  {
    client_id: SERVICE.id,
    type: 'service',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: SERVICE.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    allowed_flows: ['login'],
    allowed_scopes: ['tools:run'],
  },
  {
    client_id: AGENT.id,
    type: 'ai-agent',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: AGENT.secret,
    grant_types: ['urn:openid:params:grant-type:ciba'],
    response_types: [],
    allowed_flows: ['login'],
    allowed_scopes: ['openid'],
  },
];
const base = {
  issuer: ISSUER,
  port: 0,
  flows: [join(root, 'flows')],
  variables: SHIPPED_VARIABLES,
  clients,
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};
const oidcSection = {
  resourceServers: { [API]: { scopes: ['tools:run'], clients: [SERVICE.id] } },
  grants: { clientCredentials: true, deviceFlow: true, ciba: true },
};

const logged: { message: string; fields: Record<string, unknown> | undefined }[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: (message: string, fields?: Record<string, unknown>) => void logged.push({ message, fields }),
  warn: () => undefined,
  error: () => undefined,
} as Logger;

let server: RunningServer;
const local = (url: string) => url.replace(ISSUER, server.url);
const configFor = (id: string, secret: string) =>
  oidc.discovery(new URL(`${ISSUER}/oidc`), id, secret, undefined, {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: (url, init) => fetch(local(String(url)), init),
  });

beforeAll(async () => {
  server = await startServer(resolveServerConfig({ ...base, oidc: oidcSection }, root, {}), { logger, env: {}, print: () => undefined });
});
afterAll(async () => {
  await server?.close();
});

describe('serve: oidc.grants', () => {
  it('discovery names the endpoints of the grants switched on', async () => {
    const metadata = (await configFor(SERVICE.id, SERVICE.secret)).serverMetadata();
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:openid:params:grant-type:ciba']),
    );
    // oidc-provider names its endpoints after the request's host (here the test's real port).
    expect(metadata).toMatchObject({
      device_authorization_endpoint: `${server.url}/oidc/device/auth`,
      backchannel_authentication_endpoint: `${server.url}/oidc/backchannel`,
      backchannel_token_delivery_modes_supported: ['poll'],
      introspection_endpoint: `${server.url}/oidc/token/introspection`,
    });
    // The person's device page is served, in Waymark's layout.
    const page = await fetch(local(`${ISSUER}/oidc/device`));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Code shown on your device');
  });

  it('clientCredentials: a JWT for the configured API', async () => {
    const tokens = await oidc.clientCredentialsGrant(await configFor(SERVICE.id, SERVICE.secret), { scope: 'tools:run', resource: API });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt' });
    expect(tokens.scope).toBe('tools:run');
  });

  it('ciba: login_hint is a username of the users file, the approval link is logged, the person approves through the login flow', async () => {
    const config = await configFor(AGENT.id, AGENT.secret);
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'alice' });
    const line = logged.find((l) => l.message === 'ciba approval requested');
    expect(line?.fields).toMatchObject({ clientId: AGENT.id, sub: 'user-alice' });
    const url = local(String(line?.fields?.url));
    const step = (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as {
      journeyId: string;
      callbacks: { type: string; input: { value: unknown }[] }[];
    };
    for (const cb of step.callbacks) cb.input[0]!.value = cb.type === 'PasswordCallback' ? 'correct horse battery staple' : 'alice';
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(step) });
    expect(await answer.json()).toEqual({ status: 'success' });
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0.01 });
    expect(tokens.claims()?.sub).toBe('user-alice');
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: 'nobody' })).rejects.toMatchObject({
      error: 'unknown_user_id',
    });
  });
});

describe('serve: oidc.grants refusals', () => {
  async function pointersOf(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<string[]> {
    try {
      const started = await startServer(resolveServerConfig(config, root, env), { logger, env, print: () => undefined });
      await started.close();
    } catch (error) {
      return ((error as { details?: { problems?: { pointer: string }[] } }).details?.problems ?? []).map((p) => p.pointer);
    }
    throw new Error('the configuration was accepted');
  }

  it('ciba without a users file names /oidc/grants/ciba', async () => {
    // A flow that needs no users file, so that only CIBA misses it.
    const dir = mkdtempSync(join(tmpdir(), 'waymark-grants-'));
    const flow = {
      id: 'session-only',
      version: 1,
      description: 'An existing session only.',
      start: 'check',
      nodes: { check: { type: 'session.check', outcomes: { active: 'success', none: 'failure' } } },
    };
    writeFileSync(join(dir, 'session-only.json'), JSON.stringify(flow));
    const sessionOnly = clients.map((c) => ({ ...c, allowed_flows: ['session-only'] }));
    const { services: _services, ...withoutUsers } = base;
    expect(await pointersOf({ ...withoutUsers, clients: sessionOnly, flows: [dir], oidc: oidcSection })).toEqual(['/oidc/grants/ciba']);
  });

  it('a misspelt grant is refused with its pointer under /oidc/grants', async () => {
    expect(await pointersOf({ ...base, oidc: { ...oidcSection, grants: { clientCredential: true, deviceFlow: 'yes' } } })).toEqual([
      '/oidc/grants/clientCredential',
      '/oidc/grants/deviceFlow',
    ]);
  });

  it('production mode refuses ciba, whose approval links go to the log', async () => {
    expect(await pointersOf({ ...base, mode: 'production', oidc: oidcSection })).toContain('/oidc/grants/ciba');
  });
});
