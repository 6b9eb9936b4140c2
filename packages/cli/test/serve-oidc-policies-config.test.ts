import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer } from '@waymark/cli';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/* Bad `oidc` and `policies` sections: ERR_CONFIG_INVALID naming the field (JSON pointer) and the fix. */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(root, 'flows')],
  variables: SHIPPED_VARIABLES,
  clients: [],
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};
/** A client of the one registry (issue 15): the top-level list feeds the adapter and the provider. */
const mobile = {
  client_id: 'mobile-app',
  type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['com.example.app:/callback'],
  allowed_flows: ['login'],
};
const policy = {
  policySets: [
    {
      name: 'set',
      policies: [
        {
          name: 'p',
          resources: ['https://api.example.com/pay'],
          actions: ['POST'],
          subject: { type: 'AuthenticatedUsers' },
          condition: { type: 'Transaction', flow: 'transactional-stepup' },
        },
      ],
    },
  ],
};

/** The coded error of a configuration, checked and then started. */
async function refusal(config: Record<string, unknown>): Promise<{ code?: string; pointers: string[]; message: string }> {
  try {
    const server = await startServer(resolveServerConfig({ ...base, ...config }, root, {}), { logger: silent, env: {} });
    await server.close();
  } catch (error) {
    const e = error as { code?: string; message: string; details?: { problems?: { pointer: string }[] } };
    return { code: e.code, pointers: (e.details?.problems ?? []).map((p) => p.pointer), message: e.message };
  }
  throw new Error('the configuration was accepted');
}

describe('serve config: oidc', () => {
  it('refuses oidc.clients (moved to the one top-level list) and unknown keys, each with its pointer and the fix', async () => {
    const r = await refusal({ oidc: { clients: [], jwks: {} } });
    expect(r.code).toBe('ERR_CONFIG_INVALID');
    expect(r.pointers.sort()).toEqual(['/oidc/clients', '/oidc/jwks']);
    expect(r.message).toContain('moved: the provider serves the clients of the top-level "clients" list');
  });

  it('a client of the one list naming a flow no file defines is refused for both the adapter and the provider', async () => {
    const r = await refusal({ clients: [{ ...mobile, allowed_flows: ['nope'] }], oidc: {} });
    expect(r.code).toBe('ERR_CONFIG_INVALID');
    expect(r.pointers).toEqual(['/clients']);
    expect(r.message).toContain('client "mobile-app" allows flow "nope", which no configured flow file defines');
  });

  it('refuses a resource server naming an unknown client, under /oidc/resourceServers', async () => {
    const r = await refusal({
      clients: [mobile],
      oidc: { resourceServers: { 'http://localhost:3000/api': { scopes: ['a'], clients: ['nobody'] } } },
    });
    expect(r.pointers).toEqual(['/oidc/resourceServers/http:~1~1localhost:3000~1api/clients/0']);
  });

  it('refuses a jwksFile that cannot be read or holds no keys, naming /oidc/jwksFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-oidc-'));
    writeFileSync(join(dir, 'empty.json'), '{"keys":[]}');
    expect(await refusal({ clients: [mobile], oidc: { jwksFile: join(dir, 'missing.json') } })).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      pointers: ['/oidc/jwksFile'],
    });
    expect((await refusal({ clients: [mobile], oidc: { jwksFile: join(dir, 'empty.json') } })).message).toContain(
      'must hold a private JWK set',
    );
  });

  it('refuses a short cookie key without echoing it', async () => {
    const r = await refusal({ clients: [mobile], oidc: { cookieKeys: ['short-secret-value'] } });
    expect(r.pointers).toEqual(['/oidc/cookieKeys/0']);
    expect(r.message).not.toContain('short-secret-value');
  });
});

describe('serve config: policies', () => {
  it('takes exactly one of file and config', async () => {
    const both = await refusal({ policies: { file: 'p.json', config: policy } });
    expect(both.code).toBe('ERR_CONFIG_INVALID');
    expect(both.pointers).toContain('/policies');
    expect((await refusal({ policies: {} })).pointers).toContain('/policies');
  });

  it('places problems of the policy configuration under /policies/config', async () => {
    const bad = { policySets: [{ name: 'set', policies: [{ ...policy.policySets[0]!.policies[0]!, resources: ['ftp://x'] }] }] };
    const r = await refusal({ policies: { config: bad } });
    expect(r.pointers).toEqual(['/policies/config/policySets/0/policies/0/resources/0']);
  });

  it('names a step-up flow the engine has not loaded', async () => {
    const missing = {
      policySets: [
        { name: 'set', policies: [{ ...policy.policySets[0]!.policies[0]!, condition: { type: 'Transaction', flow: 'nope' } }] },
      ],
    };
    const r = await refusal({ policies: { config: missing } });
    expect(r.code).toBe('ERR_CONFIG_INVALID');
    expect(r.message).toContain('names flow "nope", which the engine has not loaded');
  });

  it('refuses an unreadable policies file, naming /policies/file', async () => {
    expect(await refusal({ policies: { file: 'no-such-policies.json' } })).toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      pointers: ['/policies/file'],
    });
  });

  it('without an oidc provider, JWT subjects need their issuer and JWKS URL', async () => {
    const r = await refusal({ policies: { config: policy, jwt: { audience: 'https://api.example.com/' } } });
    expect(r.pointers.sort()).toEqual(['/policies/jwt/issuer', '/policies/jwt/jwksUri']);
  });
});
