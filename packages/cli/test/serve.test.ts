import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { createStoresFromConfig, loadServerConfig, main, resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const transferClient = {
  client_id: 'session-transfer',
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  allowed_flows: ['session-transfer'],
  redirect_targets: ['http://localhost:4000/'],
  allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
  allowed_scopes: ['session_transfer'],
};

function codeOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('did not throw');
}

describe('startServer', () => {
  it('serves the adapter in-process on a free port: metadata, PAR and authorize answer', async () => {
    const server = await startServer(
      { issuer: 'http://localhost:3000', port: 0, flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES, clients: [transferClient] },
      { logger: silent },
    );
    running.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.pushed_authorization_request_endpoint).toBe('http://localhost:3000/par');
    const par = await fetch(`${server.url}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'session-transfer',
        response_type: 'code',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        subject_token: 'not-a-jwt',
        target: 'http://localhost:4000/',
      }),
    });
    // Not a valid token: the flow's push phase refuses it at PAR, and no request_uri is issued.
    expect(par.status).toBe(400);
    expect(await par.json()).toEqual({ error: 'invalid_request', error_description: 'the pushed request was refused by validateToken: malformed' });
    const authorize = await fetch(`${server.url}/authorize?${new URLSearchParams({ client_id: 'session-transfer', request_uri: 'urn:ietf:params:oauth:request_uri:unknown' })}`, {
      redirect: 'manual',
    });
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get('set-cookie')).toBeNull();
  });

  it('prints the store kind and the URL at start-up', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { issuer: 'http://localhost:3000', port: 0, flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES, clients: [transferClient] },
      { logger: silent, print: (l) => lines.push(l) },
    );
    running.push(server);
    expect(lines).toContain('stores: memory (single process)');
    expect(lines.some((l) => l.includes(server.url))).toBe(true);
  });

  it('runs the shipped default configuration (waymark.config.json) as is', async () => {
    const config = loadServerConfig(join(root, 'waymark.config.json'), {});
    const server = await startServer({ ...config, port: 0 }, { logger: silent });
    running.push(server);
    expect(server.engine.flowIds()).toEqual(expect.arrayContaining(['session-transfer', 'login']));
    expect(server.router.clients.get('session-transfer')?.requirePushedAuthorizationRequests).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('stops at start-up when a client allows a flow no flow file defines', async () => {
    await expect(
      startServer(
        {
          issuer: 'http://localhost:3000',
          port: 0,
          flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES,
          clients: [{ ...transferClient, allowed_flows: ['nope'] }],
        },
        { logger: silent },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringContaining('"nope"'),
    });
  });
});

describe('server configuration', () => {
  it('names the key (its JSON pointer) and the fix of a bad setting', () => {
    expect(codeOf(() => resolveServerConfig({ clients: [] }, root))).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringContaining('/issuer: "issuer" is missing: add it. Expected: the issuer identifier (RFC 8414)'),
    });
    expect(codeOf(() => resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], port: 'x' }, root)).message).toBe(
      'config: /port: "x" must be an integer. Expected: the TCP port, 0 to 65535 (0 picks a free port). Default 3000',
    );
    expect(codeOf(() => resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], prot: 1 }, root)).message).toMatch(
      /^config: \/prot: unknown key "prot": remove it or fix its spelling \(allowed here: .*\)\. Did you mean "port"\?$/,
    );
    const badKey = codeOf(() =>
      resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], secretKeys: ['short-and-secret'] }, root),
    );
    expect(badKey.message).toContain('/secretKeys/0: ');
    expect(badKey.message).toContain('Expected: 32 random bytes, base64url');
    expect(badKey.message).not.toContain('short-and-secret');
    expect(codeOf(() => resolveServerConfig({ issuer: 'http://localhost:3000' }, root)).message).toContain(
      '/clients: "clients" is missing: add it. Expected: the OAuth client configurations',
    );
    expect(
      codeOf(() => resolveServerConfig({ issuer: 'http://localhost:3000', clients: [], clientsFile: 'clients.json' }, root)).message,
    ).toBe('config: /clientsFile: give either "clients" or "clientsFile", not both: remove one');
    expect(
      codeOf(() => resolveServerConfig({ issuer: 'http://localhost:3000', clients: [] }, root, { WAYMARK_SECRET_KEYS: 'nope' })).message,
    ).toMatch(/^environment: \/WAYMARK_SECRET_KEYS\/0: .*Expected: 32 random bytes/);
  });

  it('reports every problem of a configuration at once, one per line with its pointer', () => {
    const error = codeOf(() =>
      resolveServerConfig(
        { issuer: 'http://localhost:3000', clients: [], port: -1, services: { users: 'u.json' }, redis: { sentinels: [] } },
        root,
      ),
    );
    const [first, ...lines] = error.message.split('\n');
    expect(first).toBe('config is invalid (4 problems):');
    expect(lines.map((l) => l.trim().split(': ')[0]).sort()).toEqual(['/port', '/redis/name', '/redis/sentinels', '/services/users']);
  });

  it('does not change the object it was given (defaults go into the resolved copy)', () => {
    const input = { issuer: 'http://localhost:3000', clients: [], services: {}, parRateLimit: { max: 3, windowSeconds: 60 } };
    resolveServerConfig(input, root, {});
    expect(input).toEqual({ issuer: 'http://localhost:3000', clients: [], services: {}, parRateLimit: { max: 3, windowSeconds: 60 } });
  });

  it('resolves relative paths from the config file folder and reads clientsFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-serve-'));
    writeFileSync(join(dir, 'clients.json'), JSON.stringify([transferClient]));
    writeFileSync(
      join(dir, 'waymark.json'),
      JSON.stringify({
        issuer: 'http://localhost:3000',
        flows: ['my-flows'],
        clientsFile: 'clients.json',
        services: { usersFile: 'users.json' },
      }),
    );
    const config = loadServerConfig(join(dir, 'waymark.json'), {});
    expect(config.flows).toEqual([join(dir, 'my-flows')]);
    expect(config.services.usersFile).toBe(join(dir, 'users.json'));
    expect(config.clients).toEqual([transferClient]);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, plugins: [], trustedProxies: [] });
  });

  it('takes secret keys from WAYMARK_SECRET_KEYS when the file lists none', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const config = resolveServerConfig({ issuer: 'http://localhost:3000', clients: [] }, root, { WAYMARK_SECRET_KEYS: ` ${key} ,${key}` });
    expect(config.secretKeys).toEqual([key, key]);
  });

  it('keeps memory stores the default when no redis is configured', async () => {
    expect((await createStoresFromConfig({ redis: undefined }, undefined, {})).description).toBe('memory (single process)');
  });
});

describe('waymark serve', () => {
  it('exits 2 with ERR_CONFIG_INVALID for an invalid config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-serve-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ issuer: 'http://localhost:3000' }));
    let stderr = '';
    const code = await main(['serve', '--config', 'bad.json'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `waymark: ERR_CONFIG_INVALID: ${join(dir, 'bad.json')}: /clients: "clients" is missing: add it. Expected: the OAuth client configurations (see @waymark/express ClientConfig), or name a "clientsFile"\n`,
    );
  });

  it('prints each problem of an invalid config file on its own line with its pointer, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-serve-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ issuer: 'http://localhost:3000', clients: [], port: 70000, flows: 'flows' }));
    let stderr = '';
    const code = await main(['serve', '--config', 'bad.json'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `waymark: ERR_CONFIG_INVALID: ${join(dir, 'bad.json')} is invalid (2 problems):`,
      expect.stringMatching(/^ {2}\/port: must be <= 65535 .*Expected: the TCP port/),
      expect.stringMatching(/^ {2}\/flows: "flows" must be an array\. Expected: flow folders and files/),
    ]);
  });

  it('is listed in waymark --help', async () => {
    let stdout = '';
    await main(['--help'], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, cwd: root });
    expect(stdout).toMatch(/serve\s+run the HTTP adapter/);
  });
});
