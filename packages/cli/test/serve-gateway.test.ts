import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { startServer, type RunningServer } from '@waymark/cli';
import { startGatewayProcess, type GatewayProcess } from '../src/server/gateway-process.js';

/* The `gateway` key of `waymark serve`, and `waymark gateway --config` as its own process. */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(root, 'flows/password-login.json')],
  clients: [{ client_id: 'web-app', type: 'web', token_endpoint_auth_method: 'none', redirect_uris: ['http://localhost:4000/callback'], allowed_flows: ['password-login'] }],
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};
const token = { issuer: 'https://as.example', jwksUri: 'https://as.example/jwks' };
const route = (name: string) => ({ kind: 'mcp', name, path: `/mcp/${name}`, upstream: 'http://127.0.0.1:9/mcp', token });
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
const meta = (url: string, name: string) => fetch(`${url}/.well-known/oauth-protected-resource/mcp/${name}`);

describe('serve with a gateway section', () => {
  it('answers the routes in front of the adapter, with the issuer origin as publicUrl', async () => {
    const server: RunningServer = await startServer({ ...base, gateway: { config: { routes: [route('bank')] } } }, { logger: silent });
    running.push(server);
    const res = await meta(server.url, 'bank');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resource: 'http://localhost:3000/mcp/bank', authorization_servers: ['https://as.example'] });
    // The adapter still answers its own paths.
    expect((await fetch(`${server.url}/health`)).status).toBeLessThan(500);
    expect((await fetch(`${server.url}/mcp/bank`, { method: 'POST' })).status).toBe(401);
  });

  it('refuses a bad gateway configuration at start-up, naming the key', async () => {
    await expect(startServer({ ...base, gateway: { config: { routes: [{ ...route('bank'), upstream: 'ftp://x' }] } } }, { logger: silent })).rejects.toThrow(
      /\/gateway\/config\/routes\/0\/upstream/,
    );
  });

  it('follows a gateway file: a change is served, a bad change is refused and the routes stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ routes: [route('a')] }));
    const server = await startServer({ ...base, gateway: { file } }, { logger: silent });
    running.push(server);
    expect((await meta(server.url, 'a')).status).toBe(200);
    // What the poll does every pollMs, called here so the test never waits on time.
    const follower = server.gateway?.follower;
    writeFileSync(file, JSON.stringify({ routes: [route('b')], extra: 1 }));
    expect(await follower?.check()).toBe('refused');
    expect((await meta(server.url, 'a')).status).toBe(200);
    writeFileSync(file, JSON.stringify({ routes: [route('b')] }));
    expect(await follower?.check()).toBe('reloaded');
    expect((await meta(server.url, 'a')).status).toBe(404);
    expect((await meta(server.url, 'b')).status).toBe(200);
  });
});

describe('waymark gateway --config', () => {
  it('runs the gateway from its file, follows it, and serves /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwp-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ port: 0, gateway: { publicUrl: 'https://gw.example', routes: [route('a')] } }));
    const gw: GatewayProcess = await startGatewayProcess(file, { logger: silent });
    running.push(gw);
    expect(await (await meta(gw.url, 'a')).json()).toMatchObject({ resource: 'https://gw.example/mcp/a' });
    expect((await fetch(`${gw.url}/mcp/a`, { method: 'POST' })).status).toBe(401);
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toContain('waymark_gateway_calls_total{route="a",method="POST",tool="",decision="unauthenticated"} 1');
    writeFileSync(file, JSON.stringify({ port: 0, gateway: { publicUrl: 'https://gw.example', routes: [route('b')] } }));
    expect(await gw.gateway.follower?.check()).toBe('reloaded');
    expect((await meta(gw.url, 'b')).status).toBe(200);
  });

  it('refuses a bad file, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwp-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ gateway: { publicUrl: 'https://gw.example', routes: [{ ...route('a'), name: 'Bad Name' }] } }));
    await expect(startGatewayProcess(file, { logger: silent })).rejects.toThrow(/\/gateway\/routes\/0\/name/);
  });
});
