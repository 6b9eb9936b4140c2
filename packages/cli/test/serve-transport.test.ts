import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/* The serve config's logClientIp and hsts: passed to the adapter, checked at start-up. */

const root = new URL('../../../', import.meta.url).pathname;
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const client = {
  client_id: 'mobile-app',
  type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['com.example.app:/callback'],
  allowed_flows: ['session-transfer'],
};
const base = { port: 0, flows: [join(root, 'flows/session-transfer.json')], variables: SHIPPED_VARIABLES, clients: [client] };

function capture(): Logger & { lines: { message: string; fields?: Record<string, unknown> }[] } {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const log = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, ...(fields ? { fields } : {}) });
  return { lines, debug: log, info: log, warn: log, error: log };
}

describe('serve config: logClientIp and hsts', () => {
  it('logs truncated client IPs with logClientIp "truncated"', async () => {
    const logger = capture();
    const server = await startServer({ ...base, issuer: 'http://localhost:3000', logClientIp: 'truncated' }, { logger });
    running.push(server);
    await fetch(`${server.url}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=mobile-app',
    });
    const par = logger.lines.find((l) => l.message === 'par');
    expect(par?.fields?.ip).toBe('127.0.0.0');
  });

  it('sends Strict-Transport-Security for an https issuer by default, and not with hsts false', async () => {
    const on = await startServer({ ...base, issuer: 'https://login.example.com' }, { logger: capture() });
    running.push(on);
    expect((await fetch(`${on.url}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=31536000');
    const off = await startServer({ ...base, issuer: 'https://login.example.com', hsts: false }, { logger: capture() });
    running.push(off);
    expect((await fetch(`${off.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    const local = await startServer({ ...base, issuer: 'http://localhost:3000' }, { logger: capture() });
    running.push(local);
    expect((await fetch(`${local.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('names the key of a bad setting (ERR_CONFIG_INVALID)', () => {
    for (const [key, value, pointer] of [
      ['logClientIp', 'anonymous', '/logClientIp'],
      ['hsts', true, '/hsts'],
      ['hsts', { maxAge: 1 }, '/hsts/maxAge'],
    ] as const) {
      let caught: unknown;
      try {
        resolveServerConfig({ ...base, issuer: 'https://login.example.com', [key]: value }, root);
      } catch (error) {
        caught = error;
      }
      // The JSON pointer of the offending place, as every serve config error names it.
      expect(caught).toMatchObject({ code: 'ERR_CONFIG_INVALID', details: { key: pointer } });
    }
  });
});
