import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer } from '@waymark/cli';

/* The `variables` key of `waymark serve`: per-environment values flows reference as
 * { "$var": "<name>" }, from the config file and WAYMARK_VAR_<name> (which wins). */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'waymark-variables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/* The shipped handoff flow with its token issuer, audience and JWKS URL as variables. */
const flow = JSON.parse(readFileSync(join(root, 'flows/session-transfer.json'), 'utf8')) as {
  nodes: Record<string, { type: string; config?: Record<string, unknown> }>;
};
const validate = Object.values(flow.nodes).find((n) => n.type === 'token.validate')!;
validate.config = { ...validate.config, issuer: { $var: 'tokenIssuer' }, audience: { $var: 'audience' }, jwksUri: { $var: 'jwksUri' } };
writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(flow));

const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(dir, 'session-transfer.json')],
  clients: [
    {
      client_id: 'session-transfer',
      type: 'session-transfer',
      token_endpoint_auth_method: 'none',
      require_pushed_authorization_requests: true,
      pkce: 'S256_REQUIRED',
      allowed_flows: ['session-transfer'],
      redirect_targets: ['http://localhost:4000/'],
      allowed_pushed_parameters: ['subject_token', 'target', 'ip'],
    },
  ],
};
const values = {
  tokenIssuer: 'https://as.example',
  audience: 'https://waymark.example/session-transfer',
  jwksUri: 'https://as.example/jwks',
};

describe('waymark serve: flow variables', () => {
  it('takes variables from the config, overridden by WAYMARK_VAR_<name>, and refuses a malformed one with its pointer', () => {
    const resolved = resolveServerConfig({ ...base, variables: { ...values, leeway: 30, strict: true } }, root, {
      WAYMARK_VAR_audience: 'https://prod.example/session-transfer',
    });
    expect(resolved.variables).toEqual({ ...values, audience: 'https://prod.example/session-transfer', leeway: 30, strict: true });
    expect(() => resolveServerConfig({ ...base, variables: { 'bad name': 'x' } }, root, {})).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('/variables') }),
    );
    expect(() => resolveServerConfig({ ...base, variables: { issuer: { nested: true } } }, root, {})).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('/variables/issuer') }),
    );
    expect(() => resolveServerConfig(base, root, { WAYMARK_VAR_1bad: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('/WAYMARK_VAR_1bad') }),
    );
  });

  it('starts with the flow resolved from its variables, and refuses to start when one is undefined, naming it', async () => {
    const server = await startServer({ ...base, variables: values }, { logger: silent });
    try {
      const compiled = server.engine.flow('session-transfer');
      const id = Object.entries(flow.nodes).find(([, n]) => n.type === 'token.validate')![0];
      expect(compiled!.nodes.get(id)!.config).toMatchObject({
        issuer: values.tokenIssuer,
        audience: values.audience,
        jwksUri: values.jwksUri,
      });
    } finally {
      await server.close();
    }
    await expect(startServer({ ...base, variables: { tokenIssuer: values.tokenIssuer } }, { logger: silent })).rejects.toThrow(
      /ERR_FLOW_VARIABLE the variable "audience" is not defined|"audience" is not defined/,
    );
  });
});
