import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createAuditor } from '@waymark/core';
import type { AuditEvent } from '@waymark/sdk';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

describe('an api route', () => {
  let as: TestAuthServer;
  let api: Server;
  let apiUrl: string;
  const seen: {
    method: string;
    path: string;
    authorization?: string | undefined;
    apiKey?: string | string[] | undefined;
    body: unknown;
  }[] = [];
  let gw: RunningGateway;
  const events: AuditEvent[] = [];

  beforeAll(async () => {
    as = await startAuthServer({});
    const app = express();
    app.use(express.json());
    app.all('/v1/*rest', (req, res) => {
      seen.push({
        method: req.method,
        path: req.originalUrl,
        authorization: req.headers.authorization,
        apiKey: req.headers['x-api-key'],
        body: req.body,
      });
      res.json({ ok: true, path: req.originalUrl });
    });
    api = createServer(app);
    await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
    gw = await startGateway(
      (publicUrl) => ({
        publicUrl,
        routes: [
          {
            kind: 'api',
            name: 'payments',
            path: '/api/payments',
            upstream: apiUrl,
            token: { issuer: as.issuer, jwksUri: as.jwksUri },
            scopes: [
              { path: '*', scopes: ['pay:read'] },
              { methods: ['POST'], path: '/transfers', scopes: ['pay:write'] },
            ],
            rateLimits: [{ per: 'subject', max: 5, windowSeconds: 60 }],
            upstreamAuth: { type: 'api-key', valueEnv: 'PAYMENTS_KEY' },
          },
        ],
      }),
      { env: { PAYMENTS_KEY: 'k-123' }, audit: createAuditor([(e) => void events.push(e)]) },
    );
  });
  afterAll(async () => {
    await gw.close();
    api.closeAllConnections();
    await new Promise<void>((done) => api.close(() => done()));
    await as.close();
  });

  const call = async (method: string, path: string, scope: string, options: { sub?: string; aud?: string; body?: unknown } = {}) => {
    const token = await as.sign({ sub: options.sub ?? 'alice', client_id: 'app', aud: options.aud ?? `${gw.url}/api/payments`, scope });
    return fetch(`${gw.url}/api/payments${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    });
  };

  it('forwards an allowed call with the API key, never the bearer token', async () => {
    const res = await call('GET', '/transfers?page=2', 'pay:read');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, path: '/v1/transfers?page=2' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', path: '/v1/transfers?page=2', authorization: undefined, apiKey: 'k-123' });
    const event = events.find((e) => e.type === 'gateway.call' && e.outcome === 'permit');
    expect(event).toMatchObject({
      sub: 'alice',
      client_id: 'app',
      target: 'payments',
      action: 'GET',
      tool: '/transfers',
      upstreamStatus: 200,
    });
  });

  it('needs the scopes of the method and path: 403 insufficient_scope, then allowed with them', async () => {
    const refused = await call('POST', '/transfers', 'pay:read', { body: { amount: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="pay:read pay:write"');
    const allowed = await call('POST', '/transfers', 'pay:read pay:write', { body: { amount: 1 } });
    expect(allowed.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: { amount: 1 } });
  });

  it('refuses a token for another audience, and no token, with 401', async () => {
    expect((await call('GET', '/x', 'pay:read', { aud: 'https://elsewhere.example' })).status).toBe(401);
    const bare = await fetch(`${gw.url}/api/payments/x`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('limits per subject: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await call('GET', '/limits', 'pay:read', { sub: 'carol' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
