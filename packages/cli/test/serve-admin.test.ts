import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { startTokenIssuer, type TokenIssuer } from '../../../test/support/servers.js';

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ISSUER = 'http://localhost:3000';
const BOTH = 'waymark:admin:read waymark:admin:write';
const webApp = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'client_secret_post',
  client_secret: 'a-configured-secret-of-at-least-32-characters',
  redirect_uris: ['http://localhost:4000/callback'],
  allowed_flows: ['password-login'],
};
const base = {
  issuer: ISSUER,
  port: 0,
  flows: [join(root, 'flows/password-login.json')],
  clients: [webApp],
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
let tokens: TokenIssuer;
beforeAll(async () => {
  tokens = await startTokenIssuer({ audience: `${ISSUER}/admin`, clientId: 'admin-console', scope: BOTH });
});
afterAll(() => tokens.close());

async function serve(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer({ ...base, ...config } as never, { logger: silent, env });
  running.push(server);
  return server;
}

describe('waymark serve: the admin API', () => {
  it('is absent without an "admin" section: /admin/* is 404', async () => {
    const server = await serve({});
    for (const path of ['/admin/v1/flows', '/admin/v1/clients', '/admin']) {
      const res = await request(server.url)
        .get(path)
        .set('Authorization', `Bearer ${await tokens.mint()}`);
      expect(res.status).toBe(404);
    }
  });

  it('with an "admin" section serves /admin/v1: 401 without a token, the loaded flows and clients (no secret) with one', async () => {
    const server = await serve({ admin: { issuers: [{ issuer: tokens.issuer }] } });
    const anonymous = await request(server.url).get('/admin/v1/flows');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="waymark-admin"');
    const auth = `Bearer ${await tokens.mint()}`;
    const flows = await request(server.url).get('/admin/v1/flows').set('Authorization', auth);
    // The live control plane seeds the flow store from the flow files.
    expect(flows.body.flows).toEqual([
      expect.objectContaining({
        id: 'password-login',
        activeVersion: 1,
        updatedBy: expect.stringMatching(/^file:.*password-login\.json$/),
      }),
    ]);
    const clients = await request(server.url).get('/admin/v1/clients').set('Authorization', auth);
    expect(clients.body.clients).toEqual([expect.objectContaining({ client_id: 'web-app', has_secret: true })]);
    expect(clients.text).not.toContain(webApp.client_secret);
    // Read-only by default.
    const write = await request(server.url).post('/admin/v1/clients/web-app/disable').set('Authorization', auth).send({});
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('ERR_ADMIN_READ_ONLY');
    // The adapter still answers beside it.
    expect((await request(server.url).get('/.well-known/oauth-authorization-server')).status).toBe(200);
  });

  it('allows writes with "writes": true, and refuses them in production (NODE_ENV) unless allowWritesInProduction', async () => {
    const admin = { issuers: [{ issuer: tokens.issuer, jwksUri: tokens.jwksUri }], writes: true };
    const dev = await serve({ admin });
    const auth = `Bearer ${await tokens.mint()}`;
    const changed = await request(dev.url).post('/admin/v1/clients/web-app/disable').set('Authorization', auth).send({});
    expect(changed.status).toBe(200);
    expect(changed.body.enabled).toBe(false);
    // Production refuses to start with writes that were not also allowed in production.
    const secretKeys = ['q2dFj1Wn0h5tZP3sX9cV7bN4mL8kJ6gH2fD1sA0pO9i'];
    const refused = await serve({ admin, secretKeys }, { NODE_ENV: 'production' }).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(refused?.code).toBe('ERR_PRODUCTION_REFUSED');
    expect(refused?.message).toMatch(/\/admin\/writes: admin writes are refused in production/);
    const allowed = await serve({ admin: { ...admin, allowWritesInProduction: true }, secretKeys }, { NODE_ENV: 'production' });
    expect((await request(allowed.url).post('/admin/v1/clients/web-app/disable').set('Authorization', auth).send({})).status).toBe(200);
  });

  it('checks the "admin" section with the rest of the config, naming the key', () => {
    const bad = (admin: unknown) => {
      try {
        resolveServerConfig({ ...base, admin }, root, {});
      } catch (error) {
        return (error as { code: string; message: string }).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ issuers: [] })).toMatch(/\/admin\/issuers/);
    expect(bad({ issuers: [{ issuer: 'https://as.example' }], writes: 'yes' })).toMatch(/\/admin\/writes/);
    expect(bad({ issuers: [{ issuer: 'https://as.example', algorithms: ['HS256'] }] })).toMatch(/\/admin\/issuers\/0\/algorithms\/0/);
    expect(bad({ issuers: [{ issuer: 'https://as.example' }], colour: 1 })).toMatch(/\/admin/);
  });
});
