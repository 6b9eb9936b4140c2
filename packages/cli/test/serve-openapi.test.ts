import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createAdminRouter } from '@waymark/admin';
import { createMemoryControlStores } from '@waymark/core';
import { clientConfigProblems } from '@waymark/express';
import { docsRouter, expressRoutes, undocumentedRoutes, type OpenApiDocument } from '@waymark/openapi';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, main, startServer, type RunningServer } from '@waymark/cli';
import { serverOpenApiDocument } from '../src/server/openapi-docs.js';

/*
 * `waymark serve` with the shipped waymark.config.json (adapter, policies, admin API, OpenID
 * Provider) serves its reference at GET /openapi.json and /docs; `waymark openapi` prints the
 * same document; and every route the express routers serve is described in it.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const config = loadServerConfig(join(root, 'waymark.config.json'), {});
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ ...config, port: 0 }, { logger: silent, env: {} });
});
afterAll(async () => {
  await server?.close();
});

async function printed(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['openapi', ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: root,
    env: {},
  });
  return { code, out, err };
}

describe('the API reference of waymark serve', () => {
  it('GET /openapi.json answers the document of what this server mounts, its server URL the issuer', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await res.json()) as OpenApiDocument;
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'http://localhost:3000', description: 'this server' }]);
    expect(document.tags.map((t) => t.name)).toEqual([
      'OAuth adapter',
      'Policies and step-up',
      'Admin API',
      'OpenID Provider',
      'Reference',
    ]);
    const flows = document.components.securitySchemes!.waymarkAdmin!.flows as {
      authorizationCode: { authorizationUrl: string; tokenUrl: string };
    };
    expect(flows.authorizationCode).toMatchObject({
      authorizationUrl: 'http://localhost:3000/oidc/auth',
      tokenUrl: 'http://localhost:3000/oidc/token',
    });
  });

  it('`waymark openapi` prints the same document', async () => {
    const { code, out } = await printed([]);
    expect(code).toBe(0);
    const served = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(JSON.parse(out)).toEqual(served);
    expect((await printed(['--help'])).out).toContain('Usage: waymark openapi');
    expect((await printed(['--nope'])).code).toBe(2);
  });

  it('a config without admin, policies or provider describes only the adapter (and the reference)', () => {
    const bare = serverOpenApiDocument({ issuer: 'http://localhost:3000' } as never);
    expect(bare.tags.map((t) => t.name)).toEqual(['OAuth adapter', 'Reference']);
  });

  it('GET /docs is the console, from this server only, under a strict CSP', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:\/\/(?!localhost:3000)/);
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style|(src|href)="https?:/);
    expect(html).toContain('src="docs/assets/swagger-ui-bundle.js"');
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${server.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('every route is described (walking the express routers)', () => {
  const document = serverOpenApiDocument(config);
  const adminRouter = () =>
    createAdminRouter({
      issuer: config.issuer,
      trustedIssuers: [{ issuer: 'http://localhost:3000/oidc', jwksUri: 'http://localhost:3000/oidc/jwks' }],
      stores: createMemoryControlStores(),
      registry: server.engine.registry,
      validateClient: clientConfigProblems,
      writes: true,
      mode: 'development',
    });

  it('the adapter with policies, the admin API and the reference: no route without a description', () => {
    const routes = [
      ...expressRoutes(server.router),
      ...expressRoutes(adminRouter(), '/admin/v1'),
      ...expressRoutes(docsRouter({ document })),
    ];
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: 'POST', path: '/policies/transactions/{txId}/stepup/continue' });
    expect(undocumentedRoutes(routes, document)).toEqual([]);
  });

  it('a route added without a description is reported', () => {
    const app = express.Router();
    app.use(server.router);
    app.delete('/par', (_req, res) => res.end());
    const nested = express.Router();
    nested.get('/journeys/:flow/peek', (_req, res) => res.end());
    app.use('/v2', nested);
    expect(undocumentedRoutes(expressRoutes(app), document)).toEqual([
      { method: 'DELETE', path: '/par' },
      { method: 'GET', path: '/v2/journeys/{flow}/peek' },
    ]);
  });
});
