import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, startServer, type RunningServer } from '@waymark/cli';

/*
 * The shipped waymark.config.json, as `npm start` serves it (memory stores, the provider's keys
 * generated for the process), on a free port: the issuer stays http://localhost:3000 and the walk
 * scripts of the README connect to the real port (WAYMARK_URL, like curl --connect-to). Each
 * walk script runs as its own process over real HTTP, openid-client as the client.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const run = promisify(execFile);
const env = { ...process.env, WAYMARK_SECRET_REMEMBER_ME_KEY: randomBytes(32).toString('base64url') };

let server: RunningServer;
const lines: string[] = [];

async function walk(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'scripts/walk', script), ...args], {
    cwd: root,
    env: { ...env, WAYMARK_URL: server.url },
    timeout: 60_000,
  });
  return stdout;
}

beforeAll(async () => {
  // The walk scripts import the built packages (@waymark/nodes), as after `npm start`.
  const build = spawnSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  if (build.status !== 0) throw new Error(`npx tsc -b packages/cli failed (the walk scripts import dist):\n${build.stdout}${build.stderr}`);
  const config = loadServerConfig(join(root, 'waymark.config.json'), env);
  server = await startServer({ ...config, port: 0 }, { logger: silent, env, print: (line) => lines.push(line) });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('npm start (the shipped waymark.config.json) serves the three field journeys', () => {
  it('says at start-up that the provider signs with keys generated for this process', () => {
    expect(lines).toContain('openid provider: http://localhost:3000/oidc (clients of the registry with a browser grant: mobile-app, web-app, waymark-admin)');
    expect(lines).toContain(
      'openid provider signing keys: generated for this process, development only (set oidc.jwksFile to a private JWK set)',
    );
    expect(lines).toContain(
      'policies: POST /policies/evaluate (JWT subjects: tokens of http://localhost:3000/oidc for http://localhost:3000/session-transfer, http://localhost:3000/admin)',
    );
  });

  it("admin: a person gets an admin token from Waymark's own provider (code + PKCE, resource <issuer>/admin), lists flows and finds the sign-in in the audit trail", async () => {
    const out = await walk('admin.mjs');
    expect(out).toContain(
      'waymark-admin: token endpoint answered an ID token for user-alice and a JWT access token for http://localhost:3000/admin',
    );
    expect(out).toMatch(/GET \/admin\/v1\/flows → 200: .*session-transfer@\d+/);
    expect(out).toMatch(/GET \/admin\/v1\/audit-events\?type=journey.ended&outcome=success → 200: [1-9]\d* sign-in\(s\) of user-alice/);
    expect(out).toContain('GET /admin/v1/flows without a token → 401, WWW-Authenticate: Bearer');
    expect(out.trim().split('\n').at(-1)).toBe('admin: ok');
  }, 60_000);

  it("handoff: the native app gets its token from Waymark's own provider, pushes it, the browser lands 303 at the target with a session", async () => {
    const out = await walk('handoff.mjs');
    expect(out).toContain(
      'native app: token endpoint answered an ID token for user-alice and a JWT access token for http://localhost:3000/session-transfer',
    );
    expect(out).toContain(
      'browser: GET /authorize?client_id=session-transfer&request_uri=… → 303 http://localhost:4000/profile, Set-Cookie __Host-waymark-session',
    );
    expect(out).toContain('browser: the same URL again → 400, no session (single use)');
    expect(out.trim().split('\n').at(-1)).toBe('handoff: ok');
  }, 60_000);

  it('handoff --url: prints the URL a browser opens, carrying client_id and request_uri only', async () => {
    const out = await walk('handoff.mjs', '--url');
    expect(out).not.toContain('eyJ'); // no token is printed
    const url = new URL(out.trim().split('\n').at(-1) as string);
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3000/authorize');
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  }, 60_000);

  it('remember-me with risk: password and cookie, then silent, then a bot loses the cookie', async () => {
    const out = await walk('remember-me.mjs');
    expect(out).toContain('1. no cookie: password asked true, success');
    expect(out).toContain('2. remembered, risk LOW: password asked false, success');
    expect(out).toContain(
      '3. same cookie, bot user agent: cleared __Host-waymark-remember; shown: Risk: automated access suspected (BOT_MITIGATION)',
    );
    expect(out.trim().split('\n').at(-1)).toBe('remember-me: ok');
  }, 60_000);

  it('remember-me on a bare npm start (no WAYMARK_SECRET_REMEMBER_ME_KEY): development gives the cookie key a random per-process value, announced, and devices are remembered', async () => {
    const bare = { ...process.env };
    delete bare.WAYMARK_SECRET_REMEMBER_ME_KEY;
    const printed: string[] = [];
    const plain = await startServer(
      { ...loadServerConfig(join(root, 'waymark.config.json'), bare), port: 0 },
      { logger: silent, env: bare, print: (l) => printed.push(l) },
    );
    try {
      expect(printed).toContain(
        'cookie key remember-me-key: random per process, development only (set WAYMARK_SECRET_REMEMBER_ME_KEY to keep remembered devices across restarts)',
      );
      const { stdout } = await run(process.execPath, [join(root, 'scripts/walk/remember-me.mjs')], {
        cwd: root,
        env: { ...bare, WAYMARK_URL: plain.url },
        timeout: 60_000,
      });
      expect(stdout).toContain('2. remembered, risk LOW: password asked false, success');
      expect(stdout.trim().split('\n').at(-1)).toBe('remember-me: ok');
    } finally {
      await plain.close();
    }
    // A key the environment sets is used as it is: the server of the other tests, started with one, made none up.
    expect(lines.some((l) => l.startsWith('cookie key'))).toBe(false);
  }, 60_000);

  it('transactional authorization: advice, step-up, allowed exactly once, then denied', async () => {
    const out = await walk('payment.mjs');
    expect(out).toMatch(/2\. POST \/policies\/evaluate → actions \{\}, TransactionConditionAdvice /);
    expect(out).toContain('3. step-up journey (TextInputCallback) answered with the TOTP code → success');
    expect(out).toContain('"actions":{"POST":true}');
    expect(out).toMatch(/5\. the same TxId again → actions \{\}, a new advice/);
    expect(out.trim().split('\n').at(-1)).toBe('payment: ok');
  }, 60_000);

  it("the decision point believes a JWT subject from Waymark's own provider by default, and no other token", async () => {
    process.env.WAYMARK_URL = server.url;
    const lib = (await import(join(root, 'scripts/walk/lib.mjs'))) as {
      nativeAppSignIn(): Promise<{ access_token: string }>;
      postJson(
        path: string,
        body: unknown,
        headers?: Record<string, string>,
      ): Promise<{ status: number; body: { advices: Record<string, string[]> }[] }>;
    };
    const tokens = await lib.nativeAppSignIn();
    const basic = `Basic ${Buffer.from('payments-api:payments-api-demo-secret-of-at-least-32-chars').toString('base64')}`;
    const evaluate = (jwt: string) =>
      lib.postJson(
        '/policies/evaluate',
        { resources: ['https://api.bankingexample.com:443/makepayment'], subject: { jwt } },
        { authorization: basic },
      );
    const own = await evaluate(tokens.access_token);
    expect(own.status).toBe(200);
    expect(own.body[0]?.advices.TransactionConditionAdvice).toHaveLength(1);
    // A token not signed by the provider names no subject: no decision, no advice.
    const [header, payload] = tokens.access_token.split('.');
    const forged = await evaluate(`${header}.${payload}.${randomBytes(256).toString('base64url')}`);
    expect(forged.body[0]?.advices).toEqual({});
  }, 60_000);
});

describe('metadata matches what is mounted', () => {
  it("with the provider: the adapter's document claims no token endpoint; the provider's (RFC 8414 §3.1) names endpoints that answer", async () => {
    const adapter = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(adapter).toMatchObject({ issuer: 'http://localhost:3000', response_types_supported: [], grant_types_supported: [] });
    expect(adapter).not.toHaveProperty('token_endpoint');
    expect(adapter).not.toHaveProperty('jwks_uri');

    // openid-client's RFC 8414 discovery of the provider's issuer reads /.well-known/oauth-authorization-server/oidc.
    const requested: string[] = [];
    const config = await oidc.discovery(new URL('http://localhost:3000/oidc'), 'mobile-app', undefined, oidc.None(), {
      algorithm: 'oauth2',
      execute: [oidc.allowInsecureRequests],
      [oidc.customFetch]: (url, init) => {
        requested.push(new URL(url).pathname);
        return fetch(String(url).replace('http://localhost:3000', server.url), init);
      },
    });
    expect(requested).toEqual(['/.well-known/oauth-authorization-server/oidc']);
    const provider = config.serverMetadata();
    expect(provider.issuer).toBe('http://localhost:3000/oidc');
    const local = (url: string | undefined) => (url ?? '').replace(/^http:\/\/[^/]+/, server.url);
    const jwks = await fetch(local(provider.jwks_uri));
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: { kty: string; d?: string }[] }).keys).toEqual([expect.objectContaining({ kty: 'RSA' })]);
    expect(((await (await fetch(local(provider.jwks_uri))).json()) as { keys: { d?: string }[] }).keys[0]).not.toHaveProperty('d');
    const token = await fetch(local(provider.token_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&client_id=mobile-app',
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error: string }).error).toMatch(/^invalid_/);
    expect((await fetch(local(provider.authorization_endpoint))).status).toBe(400);
    expect(provider.pushed_authorization_request_endpoint).toBeDefined();
  });

  it('without the provider: no provider document, and the adapter document unchanged', async () => {
    const config = loadServerConfig(join(root, 'waymark.config.json'), env);
    const { oidc: _oidc, policies: _policies, ...standalone } = config;
    const alone = await startServer({ ...standalone, port: 0 }, { logger: silent, env });
    try {
      expect((await fetch(`${alone.url}/.well-known/oauth-authorization-server/oidc`)).status).toBe(404);
      expect((await fetch(`${alone.url}/oidc/.well-known/openid-configuration`)).status).toBe(404);
      const adapter = (await (await fetch(`${alone.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(adapter).toMatchObject({ response_types_supported: [], grant_types_supported: [] });
      expect(adapter).not.toHaveProperty('token_endpoint');
      expect((await fetch(`${alone.url}/policies/evaluate`, { method: 'POST' })).status).toBe(404);
    } finally {
      await alone.close();
    }
  });
});
