import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { responseChecker, type OpenApiDocument } from '@waymark/openapi';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, main, startServer, type RunningServer } from '@waymark/cli';

/*
 * The reference of a server that also runs the gateway (an mcp, an api and a web route) and the
 * MCP server (`admin.mcp`): their endpoints are in GET /openapi.json and in `waymark openapi`,
 * and what they answer matches the document.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const shipped = loadServerConfig(join(root, 'waymark.config.json'), {});
const token = { issuer: 'https://as.example', jwksUri: 'https://as.example/jwks' };
const gateway = {
  config: {
    routes: [
      { kind: 'mcp', name: 'bank', path: '/mcp/bank', upstream: 'http://127.0.0.1:9/mcp', token },
      { kind: 'api', name: 'payments', path: '/api/payments', upstream: 'http://127.0.0.1:9/', token },
    ],
  },
};
let server: RunningServer;
let document: OpenApiDocument;

beforeAll(async () => {
  server = await startServer({ ...shipped, port: 0, gateway, admin: { ...shipped.admin!, mcp: {} } } as typeof shipped, {
    logger: silent,
    env: {},
  });
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(async () => {
  await server?.close();
});

describe('the reference of the gateway and the MCP server', () => {
  it("describes each gateway route's metadata and endpoints, and /mcp with its metadata", () => {
    expect(document.tags.map((t) => t.name)).toEqual(expect.arrayContaining(['Gateway', 'MCP server']));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/.well-known/oauth-protected-resource/mcp/bank',
        '/mcp/bank',
        '/api/payments/{path}',
        '/.well-known/oauth-protected-resource/mcp',
        '/mcp',
      ]),
    );
  });

  it('the metadata and the 401 challenges the server answers match the document', async () => {
    const check = responseChecker(document);
    for (const [method, path] of [
      ['GET', '/.well-known/oauth-protected-resource/mcp/bank'],
      ['GET', '/.well-known/oauth-protected-resource/mcp'],
      ['POST', '/mcp/bank'],
      ['POST', '/mcp'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        ...(method === 'POST' ? { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) } : {}),
      });
      const text = await res.text();
      const body = text === '' ? undefined : (JSON.parse(text) as unknown);
      expect([path, res.status]).toEqual([path, method === 'GET' ? 200 : 401]);
      expect(check(method, path, { status: res.status, headers: Object.fromEntries(res.headers), body, text })).toBeUndefined();
    }
  });

  it('waymark openapi prints the same paths for the same configuration', async () => {
    let out = '';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'waymark-openapi-'));
    const raw = JSON.parse((await import('node:fs')).readFileSync(join(root, 'waymark.config.json'), 'utf8')) as Record<string, unknown>;
    const file = join(dir, 'waymark.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...raw,
        flows: [join(root, 'flows')],
        services: { usersFile: join(root, 'flows/fixtures/users.json') },
        gateway,
        admin: { ...(raw.admin as object), mcp: {} },
      }),
    );
    const code = await main(['openapi', '--config', file], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => undefined },
      cwd: root,
      env: {},
    });
    expect(code).toBe(0);
    expect(Object.keys((JSON.parse(out) as OpenApiDocument).paths).sort()).toEqual(Object.keys(document.paths).sort());
  });
});
