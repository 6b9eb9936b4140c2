import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { createStoresFromConfig, resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';

/*
 * The abuse limits of a serve configuration reach the adapter and the memory stores:
 * journeyStartRateLimit, authFailureRateLimit and maxLiveJourneys (parRateLimit has its own file).
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const SECRET = 'a-very-long-client-secret-of-at-least-32-chars';
const clients = [
  {
    client_id: 'web-app',
    type: 'web',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://localhost:4000/callback'],
    allowed_flows: ['password-login'],
    redirect_targets: ['http://localhost:4000/'],
  },
  {
    client_id: 'server-app',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    client_secret: SECRET,
    redirect_uris: ['http://localhost:4000/callback'],
    allowed_flows: ['password-login'],
  },
];
const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(root, 'flows/password-login.json')],
  clients,
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};

async function startLogin(url: string, body: Record<string, string> = { client_id: 'web-app' }): Promise<number> {
  const res = await fetch(`${url}/journeys/password-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('serve config: abuse limits', () => {
  it('journeyStartRateLimit: journey starts past the budget get 429', async () => {
    const server = await startServer({ ...base, journeyStartRateLimit: { max: 2, windowSeconds: 60 } }, { logger: silent });
    running.push(server);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await startLogin(server.url));
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('authFailureRateLimit: wrong secrets past the budget get 429, even the right one from that address', async () => {
    const server = await startServer({ ...base, authFailureRateLimit: { max: 2, windowSeconds: 60 } }, { logger: silent });
    running.push(server);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await startLogin(server.url, { client_id: 'server-app', client_secret: `wrong-${i}` }));
    statuses.push(await startLogin(server.url, { client_id: 'server-app', client_secret: SECRET }));
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it('maxLiveJourneys: past the cap of the memory stores a new journey gets 503 with Retry-After', async () => {
    const server = await startServer({ ...base, maxLiveJourneys: 2 }, { logger: silent });
    running.push(server);
    expect([await startLogin(server.url), await startLogin(server.url)]).toEqual([200, 200]);
    const full = await fetch(`${server.url}/journeys/password-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'web-app' }),
    });
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await full.json()) as { code: string }).code).toBe('ERR_STORE_FULL');
  });

  it('maxLiveJourneys is refused with Redis, whose maxmemory bounds it there', async () => {
    const error = await createStoresFromConfig({
      redis: 'redis://127.0.0.1:1',
      secretKeys: ['a'.repeat(43)],
      limits: { maxLiveJourneys: 10 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    expect((error as Error).message).toMatch(/^config: \/maxLiveJourneys: caps the memory stores/);
  });

  it.each([
    ['journeyStartRateLimit', { max: 0, windowSeconds: 60 }, '/journeyStartRateLimit/max'],
    ['journeyStartRateLimit', { max: 5, clientMax: 4, windowSeconds: 60 }, '/journeyStartRateLimit/clientMax'],
    ['authFailureRateLimit', { max: 5, clientMax: 50, windowSeconds: 60 }, '/authFailureRateLimit/clientMax'],
    ['authFailureRateLimit', true, '/authFailureRateLimit'],
    ['maxLiveJourneys', 0, '/maxLiveJourneys'],
    ['maxLiveJourneys', '20000', '/maxLiveJourneys'],
  ])('refuses %s %j with ERR_CONFIG_INVALID at its pointer', (key, value, pointer) => {
    let error: { code?: string; message?: string } = {};
    try {
      resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], [key]: value }, root);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^config: ${pointer}: `));
  });
});
