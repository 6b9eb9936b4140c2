import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, main, resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { folderWith, makeCa, makeLeaf } from './support/certificates.js';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * "mode": production refuses at start-up what only a development server may have, every
 * problem at once (ERR_PRODUCTION_REFUSED), each with its place and its fix.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const KEY = 'q2dFj1Wn0h5tZP3sX9cV7bN4mL8kJ6gH2fD1sA0pO9i';
const client = {
  client_id: 'session-transfer',
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  allowed_flows: ['session-transfer'],
  redirect_targets: ['https://web.example/'],
  allowed_pushed_parameters: ['subject_token', 'target'],
};
const base = { port: 0, flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES, clients: [client] };

/** A flow folder with one otp.challenge node whose notifier config is `notifier`. */
function otpFlow(notifier: Record<string, unknown> | undefined): string {
  const flow = {
    id: 'otp-code',
    version: 1,
    description: 'Sends a one-time code.',
    start: 'otp',
    nodes: {
      otp: {
        type: 'otp.challenge',
        config: { mode: 'code', ...(notifier ? { notifier } : {}) },
        outcomes: { success: 'success', failure: 'failure', expired: 'failure', locked: 'failure' },
      },
    },
  };
  return folderWith({ 'otp-code.json': JSON.stringify(flow) });
}

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = (await promise.then(
    () => {
      throw new Error('started');
    },
    (e: unknown) => e,
  )) as { code?: string; message: string };
  return error;
}

describe('serve: mode', () => {
  it('is development by default, production with NODE_ENV=production, and the config key wins over NODE_ENV', () => {
    const issuer = { issuer: 'http://localhost:3000', clients: [] };
    expect(resolveServerConfig(issuer, root, {})).toMatchObject({ mode: 'development', modeSource: 'default' });
    expect(resolveServerConfig(issuer, root, { NODE_ENV: 'production' })).toMatchObject({ mode: 'production', modeSource: 'NODE_ENV' });
    expect(resolveServerConfig({ ...issuer, mode: 'development' }, root, { NODE_ENV: 'production' })).toMatchObject({
      mode: 'development',
      modeSource: 'config',
    });
    expect(resolveServerConfig({ ...issuer, mode: 'production' }, root, { NODE_ENV: 'test' })).toMatchObject({
      mode: 'production',
      modeSource: 'config',
    });
    expect(() => resolveServerConfig({ ...issuer, mode: 'staging' }, root, {})).toThrow(/\/mode: .*"development" or "production"/);
  });

  it('prints the mode and where it came from at start-up', async () => {
    const lines: string[] = [];
    const server = await startServer(
      { ...base, issuer: 'http://localhost:3000' },
      { logger: silent, print: (l) => lines.push(l), env: {} },
    );
    running.push(server);
    expect(lines[0]).toBe('mode: development (the default; set "mode" or NODE_ENV=production for production)');
    expect(server.mode).toBe('development');
    const lines2: string[] = [];
    const dev = await startServer(
      { ...base, issuer: 'http://localhost:3000', mode: 'development' },
      { logger: silent, print: (l) => lines2.push(l), env: { NODE_ENV: 'production' } },
    );
    running.push(dev);
    expect(lines2[0]).toBe('mode: development (the config\'s "mode"; NODE_ENV=production is not used)');
  });

  it('refuses the shipped waymark.config.json in production: admin writes, generated provider keys, random keys and the five demo clients, all at once', async () => {
    const config = loadServerConfig(join(root, 'waymark.config.json'), { NODE_ENV: 'production' });
    const error = await refusal(startServer({ ...config, port: 0 }, { logger: silent, env: { NODE_ENV: 'production' } }));
    expect(error.code).toBe('ERR_PRODUCTION_REFUSED');
    expect(error.message.split('\n')).toEqual([
      'production mode refuses to start (9 problems; fix each, or set "mode": "development" for a development server):',
      expect.stringMatching(
        /^ {2}\/admin\/writes: admin writes are refused in production unless "allowWritesInProduction": true is also set/,
      ),
      "  /oidc/jwksFile: the provider's signing keys are generated per process; name a private JWK set file in oidc.jwksFile",
      "  /oidc/cookieKeys: the provider's cookie keys are random per process; set oidc.cookieKeys or WAYMARK_OIDC_COOKIE_KEYS",
      expect.stringMatching(
        /^ {2}\/secretKeys: is empty and WAYMARK_SECRET_KEYS is not set, .*: set WAYMARK_SECRET_KEYS \(or "secretKeys"\) to 32 random bytes/,
      ),
      '  /clients/0/demo: client "mobile-app" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)',
      '  /clients/1/demo: client "session-transfer" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)',
      '  /clients/2/demo: client "web-app" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)',
      '  /clients/3/demo: client "waymark-admin" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)',
      '  /clients/4/demo: client "payments-api" is a demo client ("demo": true): remove it and register your own clients (or run in development mode)',
    ]);
    // The same file serves in development, as `npm start` does.
    const server = await startServer({ ...loadServerConfig(join(root, 'waymark.config.json'), {}), port: 0 }, { logger: silent, env: {} });
    running.push(server);
  });

  it('lists every production problem at once: keys, a demo client, the console notifier, an http issuer, a self-signed certificate', async () => {
    const flows = otpFlow(undefined);
    const error = await refusal(
      startServer(
        {
          ...base,
          issuer: 'http://auth.example.com',
          mode: 'production',
          tls: 'self-signed',
          flows: [...base.flows, flows],
          clients: [{ ...client, demo: true }],
        },
        { logger: silent, env: {} },
      ),
    );
    expect(error.code).toBe('ERR_PRODUCTION_REFUSED');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(
      'production mode refuses to start (5 problems; fix each, or set "mode": "development" for a development server):',
    );
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(['  /secretKeys', '  /clients/0/demo', '  /flows', '  /issuer', '  /tls']);
    expect(lines[3]).toBe(
      '  /flows: flow "otp-code" node "otp" (otp.challenge) sends one-time codes through the console notifier, which writes them to the log: set its config "notifier" to { "type": "webhook", "url": "https://…" }',
    );
    expect(lines[4]).toBe(
      '  /issuer: "http://auth.example.com" is plain http on another machine than this one: use the https URL clients reach (RFC 8414 §2: the issuer uses the https scheme)',
    );
    expect(lines[5]).toMatch(
      /^ {2}\/tls: is "self-signed", a development certificate: give \{ "cert": "cert\.pem", "key": "key\.pem" \} issued by a certificate authority/,
    );
  });

  it('refuses admin writes in production unless allowWritesInProduction is set too', async () => {
    const admin = { issuers: [{ issuer: 'https://login.example.com' }], writes: true };
    const config = { ...base, issuer: 'https://login.example.com', mode: 'production' as const, secretKeys: [KEY], admin };
    const error = await refusal(startServer(config, { logger: silent, env: {} }));
    expect(error.code).toBe('ERR_PRODUCTION_REFUSED');
    expect(error.message).toMatch(/\/admin\/writes: admin writes are refused in production unless "allowWritesInProduction": true/);
    const server = await startServer({ ...config, admin: { ...admin, allowWritesInProduction: true } }, { logger: silent, env: {} });
    running.push(server);
    expect(server.mode).toBe('production');
  });

  it('starts in production with fixed keys, real clients, an https issuer and a CA-issued certificate', async () => {
    const ca = await makeCa();
    const leaf = await makeLeaf({ ca });
    const dir = folderWith({ 'cert.pem': leaf.cert, 'key.pem': leaf.key });
    const lines: string[] = [];
    const server = await startServer(
      { ...base, issuer: 'https://auth.example.com', tls: { cert: 'cert.pem', key: 'key.pem' } },
      { baseDir: dir, logger: silent, print: (l) => lines.push(l), env: { NODE_ENV: 'production', WAYMARK_SECRET_KEYS: KEY } },
    );
    running.push(server);
    expect(server.mode).toBe('production');
    expect(lines[0]).toBe('mode: production (NODE_ENV=production)');
    expect(server.url).toMatch(/^https:/);
  });

  it('accepts a loopback http issuer and an otp.challenge with a webhook notifier, or one that allows the console explicitly', async () => {
    for (const notifier of [{ type: 'webhook', url: 'https://notify.example/otp' }, { allowConsoleInProduction: true }]) {
      const server = await startServer(
        { ...base, issuer: 'http://127.0.0.1:3000', mode: 'production', secretKeys: [KEY], flows: [...base.flows, otpFlow(notifier)] },
        { logger: silent, env: {} },
      );
      running.push(server);
      expect(server.mode).toBe('production');
    }
  });

  it('refuses a certificate file that signs itself in production', async () => {
    const leaf = await makeLeaf();
    const dir = folderWith({ 'cert.pem': leaf.cert, 'key.pem': leaf.key });
    const error = await refusal(
      startServer(
        { ...base, issuer: 'https://auth.example.com', mode: 'production', secretKeys: [KEY], tls: { cert: 'cert.pem', key: 'key.pem' } },
        { baseDir: dir, logger: silent, env: {} },
      ),
    );
    expect(error.message).toMatch(/\n {2}\/tls: names a self-signed certificate: use one issued by a certificate authority clients trust/);
  });

  it('waymark serve prints ERR_PRODUCTION_REFUSED with every problem and exits 2', async () => {
    const dir = folderWith({});
    writeFileSync(join(dir, 'waymark.config.json'), JSON.stringify({ ...base, issuer: 'http://auth.example.com', mode: 'production' }));
    let stderr = '';
    const code = await main(['serve', '--config', 'waymark.config.json'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: dir,
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^waymark: ERR_PRODUCTION_REFUSED: production mode refuses to start \(2 problems; .*\):\n {2}\/secretKeys: .*\n {2}\/issuer: /,
    );
  });
});
