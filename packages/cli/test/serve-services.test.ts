import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { startServer, type RunningServer } from '@waymark/cli';
import { folderWith } from './support/certificates.js';

/*
 * Every service the configuration names or a flow needs is checked before the server listens:
 * a wrong users file or service URL stops start-up with ERR_CONFIG_INVALID naming the key,
 * instead of surfacing at the first login as ERR_NODE_FAILED.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const webApp = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://localhost:4000/callback'],
  allowed_flows: ['password-login'],
};
const base = { issuer: 'http://localhost:3000', port: 0, flows: [join(root, 'flows/password-login.json')], clients: [webApp] };

async function failure(promise: Promise<RunningServer>): Promise<{ code?: string; message: string }> {
  return promise.then(
    (server) => {
      running.push(server);
      throw new Error('started');
    },
    (e: unknown) => e as { code?: string; message: string },
  );
}

/** A flow folder with one node of `type` and `config`, each outcome to success. */
function flowWith(type: string, config: Record<string, unknown>, outcomes: string[]): string {
  const flow = {
    id: 'service-flow',
    version: 1,
    description: 'One node that calls a service.',
    start: 'call',
    nodes: { call: { type, config, outcomes: Object.fromEntries(outcomes.map((o) => [o, 'success'])) } },
  };
  return folderWith({ 'service-flow.json': JSON.stringify(flow) });
}

describe('serve: services checked at start-up', () => {
  it('stops when services.usersFile does not exist, naming /services/usersFile and the fix', async () => {
    const error = await failure(
      startServer({ ...base, services: { usersFile: 'no-such-users.json' } }, { baseDir: root, logger: silent, env: {} }),
    );
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    expect(error.message).toBe(
      `config: /services/usersFile: ${join(root, 'no-such-users.json')} cannot be read (ENOENT): check the path, relative to the config file`,
    );
  });

  it('stops when services.usersFile does not parse as a users file', async () => {
    const dir = folderWith({ 'users.json': '{ "users": [{ "sub": "u1", "username": "ada", "passwordHash": "plain" }] }' });
    const error = await failure(startServer({ ...base, services: { usersFile: 'users.json' } }, { baseDir: dir, logger: silent, env: {} }));
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(
      /^config: \/services\/usersFile: users file .*users\.json: user needs "passwordHash" in the scrypt\$N\$r\$p\$salt\$hash form .*: fix the file/,
    );
  });

  it('starts with the shipped users file', async () => {
    const server = await startServer(
      { ...base, services: { usersFile: 'flows/fixtures/users.json' } },
      { baseDir: root, logger: silent, env: {} },
    );
    running.push(server);
  });

  it('stops when a flow needs a user store and none is configured (credentials.verify)', async () => {
    const error = await failure(startServer(base, { logger: silent, env: {} }));
    expect(error.message).toBe(
      'config: /services/usersFile: is not set, and flow "password-login" node "verify" (credentials.verify) needs a user store: set "services": { "usersFile": "users.json" } or { "userStore": "memory" | "redis" } (or "usersFile" in the node\'s config)',
    );
  });

  it('checks a users file a node names in its own config', async () => {
    const flows = flowWith('credentials.verify', { usersFile: '/nonexistent/users.json' }, ['valid', 'invalid', 'locked']);
    const error = await failure(
      startServer({ ...base, flows: [flows], clients: [{ ...webApp, allowed_flows: ['service-flow'] }] }, { logger: silent, env: {} }),
    );
    expect(error.message).toBe(
      'config: /flows: flow "service-flow" node "call" (credentials.verify): config /usersFile: /nonexistent/users.json cannot be read (ENOENT): check the path, relative to the config file',
    );
  });

  it.each([
    [
      'a JWKS URL without a host',
      'token.validate',
      { issuer: 'https://as.example', audience: 'https://rp.example', allowedClients: ['app'], jwksUri: 'https://' },
      '/jwksUri "https://" is not an absolute URL',
    ],
    [
      'an introspection endpoint with a port past 65535',
      'token.validate',
      {
        mode: 'introspection',
        issuer: 'https://as.example',
        allowedClients: ['app'],
        introspection: { endpoint: 'https://as.example:99999/introspect', clientId: 'rp', authMethod: 'none' },
      },
      '/introspection/endpoint "https://as.example:99999/introspect" is not an absolute URL',
    ],
    [
      'a risk service without a host',
      'risk.evaluate',
      { provider: 'http', http: { baseUrl: 'https://:8443/v1', environmentId: 'env', token: 't' } },
      '/http/baseUrl "https://:8443/v1" is not an absolute URL',
    ],
  ])('stops on %s, naming the flow, the node and the config key', async (_what, type, config, message) => {
    const outcomes =
      type === 'token.validate' ? ['valid', 'invalid', 'error'] : ['exceed', 'low', 'medium', 'high', 'error', 'clientError'];
    const flows = flowWith(type, config, outcomes);
    const error = await failure(
      startServer({ ...base, flows: [flows], clients: [{ ...webApp, allowed_flows: ['service-flow'] }] }, { logger: silent, env: {} }),
    );
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toBe(
      `config: /flows: flow "service-flow" node "call" (${type}): config ${message}: give the absolute https URL of the service`,
    );
  });

  it('stops when a node names a secret the environment does not hold, naming the variable', async () => {
    const config = {
      mode: 'introspection',
      issuer: 'https://as.example',
      allowedClients: ['app'],
      introspection: { endpoint: 'https://as.example/introspect', clientId: 'rp', clientSecretName: 'introspection-secret' },
    };
    const options = {
      ...base,
      flows: [flowWith('token.validate', config, ['valid', 'invalid', 'error'])],
      clients: [{ ...webApp, allowed_flows: ['service-flow'] }],
    };
    const error = await failure(startServer(options, { logger: silent, env: {} }));
    expect(error.message).toBe(
      'config: /flows: flow "service-flow" node "call" (token.validate): config /introspection/clientSecretName names the secret "introspection-secret", which is not set: set WAYMARK_SECRET_INTROSPECTION_SECRET in the environment',
    );
    const server = await startServer(options, { logger: silent, env: { WAYMARK_SECRET_INTROSPECTION_SECRET: 's3cret' } });
    running.push(server);
  });

  it('reports every service problem at once', async () => {
    const error = await failure(
      startServer(
        {
          ...base,
          flows: [
            ...base.flows,
            flowWith('risk.evaluate', { provider: 'http', http: { baseUrl: 'https://', environmentId: 'e', tokenSecret: 'risk-token' } }, [
              'exceed',
              'low',
              'medium',
              'high',
              'error',
              'clientError',
            ]),
          ],
        },
        { logger: silent, env: {} },
      ),
    );
    expect(error.message.split('\n')).toEqual([
      'config is invalid (3 problems):',
      expect.stringMatching(/^ {2}\/flows: flow "service-flow" node "call" \(risk\.evaluate\): config \/http\/baseUrl "https:\/\/"/),
      expect.stringMatching(/^ {2}\/services\/usersFile: is not set, and flow "password-login"/),
      expect.stringMatching(/^ {2}\/flows: .*names the secret "risk-token", which is not set: set WAYMARK_SECRET_RISK_TOKEN/),
    ]);
  });
});
