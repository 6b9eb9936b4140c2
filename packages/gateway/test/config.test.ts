import { afterAll, describe, expect, it } from '@jest/globals';
import { checkGatewayConfig, createGateway, type GatewayRoute } from '@waymark/gateway';
import { startGateway, type RunningGateway } from './support/gateway.js';

const token = { issuer: 'https://as.example', jwksUri: 'https://as.example/jwks' };
const mcp = (name: string, path: string, extra: object = {}) => ({
  kind: 'mcp',
  name,
  path,
  upstream: 'http://127.0.0.1:9/mcp',
  token,
  ...extra,
});

function problems(config: unknown): string[] {
  try {
    checkGatewayConfig(config, '/gateway');
  } catch (error) {
    expect((error as { code: string }).code).toBe('ERR_CONFIG_INVALID');
    return (error as { details: { problems: { pointer: string; message: string }[] } }).details.problems.map(
      (p) => `${p.pointer}: ${p.message}`,
    );
  }
  return [];
}

describe('the gateway configuration', () => {
  it("refuses a web route's own options that are wrong, at their pointers", () => {
    expect(problems({ publicUrl: 'https://gw.example', routes: [{ kind: 'web', name: 'app', path: '/app', anything: 1 }] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/gateway\/routes\/0\/upstream: /), expect.stringMatching(/^\/gateway\/routes\/0/)]),
    );
  });

  it('accepts mcp, api and web routes', () => {
    expect(
      problems({
        publicUrl: 'https://gw.example',
        routes: [
          mcp('bank', '/mcp/bank'),
          { kind: 'api', name: 'pay', path: '/api/pay', upstream: 'http://127.0.0.1:9', token },
          {
            kind: 'web',
            name: 'app',
            path: '/app',
            upstream: 'http://127.0.0.1:8080',
            issuer: 'https://id.example/oidc',
            clientId: 'app-gateway',
          },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    ['a publicUrl with a path', { publicUrl: 'https://gw.example/x', routes: [] }, '/gateway/publicUrl'],
    ['an unknown kind', { publicUrl: 'https://gw.example', routes: [{ kind: 'ftp', name: 'x', path: '/x' }] }, '/gateway/routes/0/kind'],
    [
      'an mcp route without token',
      { publicUrl: 'https://gw.example', routes: [{ kind: 'mcp', name: 'x', path: '/x', upstream: 'http://u' }] },
      '/gateway/routes/0',
    ],
    [
      'a bad rate limit',
      { publicUrl: 'https://gw.example', routes: [mcp('x', '/x', { rateLimits: [{ per: 'planet', max: 1, windowSeconds: 1 }] })] },
      '/gateway/routes/0/rateLimits/0/per',
    ],
    ['two routes of one name', { publicUrl: 'https://gw.example', routes: [mcp('x', '/x'), mcp('x', '/y')] }, '/gateway/routes/1/name'],
    [
      'step-up rules without policies',
      { publicUrl: 'https://gw.example', routes: [mcp('x', '/x', { stepUp: [{ tool: 't', argument: '/amount', above: 1 }] })] },
      '/gateway/routes/0/stepUp',
    ],
    [
      'a token-exchange without audience or resource',
      {
        publicUrl: 'https://gw.example',
        routes: [mcp('x', '/x', { upstreamAuth: { type: 'token-exchange', tokenEndpoint: 'https://as/token', clientId: 'gw' } })],
      },
      '/gateway/routes/0/upstreamAuth',
    ],
  ])('refuses %s, naming the key', (_what, config, pointer) => {
    const found = problems(config);
    expect(found.some((p) => p.startsWith(pointer))).toBe(true);
  });

  it("builds a web route with the package's own factory by default (its secrets from the environment), or with the one given", async () => {
    const web = {
      kind: 'web',
      name: 'app',
      path: '/app',
      upstream: 'http://127.0.0.1:8080',
      issuer: 'https://id.example/oidc',
      clientId: 'app-gateway',
    };
    const config = { publicUrl: 'https://gw.example', routes: [web] };
    expect(() => createGateway(config, { env: {} })).toThrow(/WAYMARK_GATEWAY_SESSION_KEYS/);
    const built: unknown[] = [];
    const gateway = createGateway(config, {
      webRoutes: (route): GatewayRoute => {
        built.push(route);
        return {
          kind: 'web',
          name: route.name,
          path: route.path,
          endpoints: [],
          handle: async (_req, res) => void res.end('web'),
          close: async () => undefined,
        };
      },
    });
    expect(built).toEqual([web]);
    expect(gateway.routes().map((r) => r.kind)).toEqual(['web']);
  });
});

describe('reload', () => {
  let gw: RunningGateway;
  afterAll(() => gw.close());

  it('swaps the routes at once; a bad configuration changes nothing', async () => {
    gw = await startGateway((publicUrl) => ({ publicUrl, routes: [mcp('a', '/mcp/a')] }));
    const meta = (path: string) => fetch(`${gw.url}/.well-known/oauth-protected-resource${path}`).then((r) => r.status);
    expect(await meta('/mcp/a')).toBe(200);
    expect(await meta('/mcp/b')).toBe(404);
    await gw.gateway.reload({ publicUrl: gw.url, routes: [mcp('b', '/mcp/b')] });
    expect(await meta('/mcp/a')).toBe(404);
    expect(await meta('/mcp/b')).toBe(200);
    await expect(gw.gateway.reload({ publicUrl: gw.url, routes: [{ kind: 'mcp', name: 'c' }] })).rejects.toThrow(
      /ERR_CONFIG_INVALID|gateway configuration/,
    );
    expect(await meta('/mcp/b')).toBe(200);
  });
});
