import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createAdminRouter } from '@waymark/admin';
import { createMemoryControlStores, createMemoryStores } from '@waymark/core';
import type { WaymarkOidcProvider } from '@waymark/oidc-provider';
import { clientConfigProblems } from '@waymark/express';
import { docsRouter, expressRoutes, undocumentedRoutes, unexplainedRoutes, type OpenApiDocument, type ServedRoute } from '@waymark/openapi';
import { createGateway } from '@waymark/gateway';
import { createStudioHandler } from '@waymark/studio';
import { exportJWK, generateKeyPair } from 'jose';
import type { Logger } from '@waymark/sdk';
import { loadServerConfig, main, startServer, type RunningServer } from '@waymark/cli';
import { serverOpenApiDocument } from '../src/server/openapi-docs.js';
import { createConfiguredProvider } from '../src/server/oidc-config.js';

/*
 * `waymark serve` with the shipped waymark.config.json (adapter, policies, admin API, OpenID
 * Provider) serves its reference at GET /openapi.json and /docs; `waymark openapi` prints the
 * same document; and every route the express routers serve is described in it.
 */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const config = loadServerConfig(join(root, 'waymark.config.json'), {});
let server: RunningServer;
/** The shipped config with every grant that adds provider routes: device flow, CIBA, client credentials (introspection is on by default). */
const granted = { ...config, oidc: { ...config.oidc!, grants: { deviceFlow: true, ciba: true, clientCredentials: true } } };

/** Every route oidc-provider's router registers while `create` runs (GET stands for HEAD too), under the provider's mount path. */
async function recordingProviderRoutes<T>(mountPath: string, create: () => Promise<T>): Promise<{ value: T; routes: ServedRoute[] }> {
  // oidc-provider's own router (not an express stack; the module oidc-provider's app imports, no published types): its registrations are recorded.
  const routerModule: string = 'oidc-provider/lib/helpers/router.js';
  const OidcRouter = ((await import(routerModule)) as { default: { prototype: Record<string, (...args: unknown[]) => unknown> } }).default;
  const proto = OidcRouter.prototype;
  const routes: ServedRoute[] = [];
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const method of ['get', 'post', 'put', 'delete', 'options']) {
    const original = proto[method]!;
    originals.set(method, original);
    proto[method] = function record(this: unknown, name: unknown, path: unknown, ...rest: unknown[]) {
      routes.push({ method: method.toUpperCase(), path: `${mountPath}${String(path).replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}` });
      return original.call(this, name, path, ...rest);
    };
  }
  try {
    return { value: await create(), routes };
  } finally {
    for (const [method, original] of originals) proto[method] = original;
  }
}
let provider: { value: WaymarkOidcProvider; routes: ServedRoute[] };

beforeAll(async () => {
  server = await startServer({ ...config, port: 0 }, { logger: silent, env: {} });
  // The provider `waymark serve` creates for the granted config (oidc-config.ts), its oidc-provider routes recorded.
  provider = await recordingProviderRoutes(new URL(granted.oidc.issuer).pathname, async () =>
    createConfiguredProvider(granted.oidc, {
      engine: server.engine,
      stores: createMemoryStores(),
      clientStore: createMemoryControlStores().clients,
      clientIds: server.router.clients.all().map((c) => c.clientId),
      logger: silent,
      trustedProxies: [],
      users: { findByUsername: async () => undefined, findBySub: async () => undefined },
    }),
  );
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
      'Studio',
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

describe('every route of the OpenID Provider, the studio and the gateway is described, or listed as undocumented with its reason', () => {
  it("the provider's routes with device flow, CIBA and introspection on: oidc-provider's own, the interaction, CIBA approval and client routes", async () => {
    const document = serverOpenApiDocument(granted);
    const mountPath = new URL(granted.oidc.issuer).pathname;
    const routes = [...provider.routes, ...expressRoutes(provider.value.router)];
    for (const route of [
      { method: 'POST', path: `${mountPath}/device/auth` },
      { method: 'GET', path: `${mountPath}/device` },
      { method: 'POST', path: `${mountPath}/device` },
      { method: 'GET', path: `${mountPath}/device/{uid}` },
      { method: 'POST', path: `${mountPath}/backchannel` },
      { method: 'POST', path: `${mountPath}/token/introspection` },
      { method: 'GET', path: `${mountPath}/interaction/{uid}` },
      { method: 'POST', path: `${mountPath}/ciba/{approvalId}` },
      { method: 'GET', path: `${mountPath}/clients/{clientId}/logo` },
    ])
      expect(routes).toContainEqual(route);
    expect(unexplainedRoutes(routes, document)).toEqual([]);
    // Without the grants, the document leaves their routes out (what this server does not serve is not described).
    expect(Object.keys(serverOpenApiDocument(config).paths)).not.toContain(`${mountPath}/backchannel`);
  });

  it("the studio's routes (its handler's own list): the page, its config and page routes described, its built assets listed as static", () => {
    const document = serverOpenApiDocument(config);
    const studio = createStudioHandler({ config: { mode: 'server', adminApi: '/admin/v1' } });
    const routes = studio.routes.map((r) => ({ method: r.method, path: `/studio${r.path}` }));
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/studio/config.json' },
        { method: 'GET', path: '/studio/{page}' },
      ]),
    );
    expect(unexplainedRoutes([...routes, { method: 'GET', path: '/studio/studio.js' }], document)).toEqual([]);
    expect(unexplainedRoutes([{ method: 'GET', path: '/studio/export.json' }], document)).toEqual([
      { method: 'GET', path: '/studio/export.json' },
    ]);
  });

  it("the gateway's routes from a gateway config (mcp, api, web): metadata, MCP endpoint, forwarding, the web route's own endpoints", async () => {
    const token = { issuer: 'https://as.example', jwksUri: 'https://as.example/jwks' };
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const gatewayConfig = {
      publicUrl: 'http://localhost:3000',
      routes: [
        { kind: 'mcp', name: 'bank', path: '/mcp/bank', upstream: 'http://127.0.0.1:9/mcp', token },
        { kind: 'api', name: 'payments', path: '/api/payments', upstream: 'http://127.0.0.1:9/', token },
        {
          kind: 'web',
          name: 'app',
          path: '/app',
          upstream: 'http://127.0.0.1:9/',
          issuer: 'http://localhost:3000/oidc',
          clientId: 'web-app',
        },
      ],
    };
    const gateway = createGateway(gatewayConfig, {
      env: {
        WAYMARK_GATEWAY_SESSION_KEYS: 'k'.repeat(43),
        WAYMARK_GATEWAY_SIGNING_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'gw', alg: 'ES256' }),
      },
    });
    try {
      const document = serverOpenApiDocument({ ...config, gateway: { config: gatewayConfig } } as never);
      const routes = gateway.routes().flatMap((r) => r.endpoints);
      expect(routes).toEqual(
        expect.arrayContaining([
          { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp/bank' },
          { method: 'DELETE', path: '/mcp/bank' },
          { method: 'ALL', path: '/api/payments/{path}' },
          { method: 'GET', path: '/app/_waymark/login' },
          { method: 'POST', path: '/app/_waymark/logout' },
        ]),
      );
      expect(unexplainedRoutes(routes, document)).toEqual([]);
      // An endpoint the document does not know is reported (the web route's forwarding is exempt by name only).
      expect(unexplainedRoutes([...routes, { method: 'GET', path: '/app/_waymark/session' }], document)).toEqual([
        { method: 'GET', path: '/app/_waymark/session' },
      ]);
    } finally {
      await gateway.close();
    }
  });
});
