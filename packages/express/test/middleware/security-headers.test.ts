import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createMemoryStores } from '@waymark/core';
import { createWaymarkApp, createWaymarkRouter, RouterOptionsError, type WaymarkRouterOptions } from '@waymark/express';
import { clients, form, mobilePar, testApp } from '../support/app.js';
import { journeyApp } from '../support/journeys.js';
import { policyTestApp } from '../policies/support.js';

function expectSecurityHeaders(headers: Record<string, string | undefined>): void {
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['content-security-policy']).toBe("default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; img-src 'self'; style-src 'self'");
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  it.each([
    ['GET', '/.well-known/oauth-authorization-server'],
    ['GET', '/healthz'],
    ['GET', '/metrics'],
    ['GET', '/par'],
  ])('are set on %s %s', async (_method, path) => {
    const { app } = testApp();
    expectSecurityHeaders((await request(app).get(path)).headers as Record<string, string>);
  });

  it('are set on PAR successes and errors', async () => {
    const { app } = testApp();
    expectSecurityHeaders((await request(app).post('/par').type('form').send(form(mobilePar()))).headers as Record<string, string>);
    expectSecurityHeaders((await request(app).post('/par').type('form').send('client_id=nobody')).headers as Record<string, string>);
  });

  it('are not forced onto the host app routes the request falls through to', async () => {
    const { app } = testApp({}, (host) => {
      host.get('/', (_req, res) => {
        res.send('home');
      });
    });
    const res = await request(app).get('/');
    expect(res.text).toBe('home');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});

describe('Strict-Transport-Security (the hsts option)', () => {
  const YEAR = 'max-age=31536000';

  it.each([
    ['GET', '/.well-known/oauth-authorization-server'],
    ['GET', '/healthz'],
    ['GET', '/metrics'],
    ['GET', '/par'],
    ['GET', '/assets/waymark.css'],
    ['GET', '/authorize?client_id=nobody'],
  ])('is on every response of an https issuer by default: %s %s', async (_method, path) => {
    const { app } = testApp();
    expect((await request(app).get(path)).headers['strict-transport-security']).toBe(YEAR);
  });

  it('is on PAR successes and errors, the journey API, the policy endpoints and the stand-alone app 404', async () => {
    const { app } = testApp();
    expect((await request(app).post('/par').type('form').send(form(mobilePar()))).headers['strict-transport-security']).toBe(YEAR);
    expect((await request(app).post('/par').type('form').send('client_id=nobody')).headers['strict-transport-security']).toBe(YEAR);
    const journeys = await journeyApp();
    expect((await request(journeys.app).post('/journeys/confirm').send({ client_id: 'spa-app' })).headers['strict-transport-security']).toBe(YEAR);
    expect((await request(journeys.app).post('/journeys/confirm').send('{')).headers['strict-transport-security']).toBe(YEAR);
    const policies = await policyTestApp();
    expect((await request(policies.app).post('/policies/evaluate').send({})).headers['strict-transport-security']).toBe(YEAR);
    expect((await request(policies.app).get('/policies/transactions/nope/stepup')).headers['strict-transport-security']).toBe(YEAR);
    const standalone = createWaymarkApp(createWaymarkRouter({ issuer: 'https://login.example.com', clients: [clients.mobile], stores: createMemoryStores() }));
    const missing = await request(standalone).get('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers['strict-transport-security']).toBe(YEAR);
  });

  it('is absent for an http (localhost) issuer, and when turned off', async () => {
    const local = testApp({ issuer: 'http://localhost:3000' });
    expect((await request(local.app).get('/healthz')).headers['strict-transport-security']).toBeUndefined();
    const off = testApp({ hsts: false });
    expect((await request(off.app).get('/healthz')).headers['strict-transport-security']).toBeUndefined();
  });

  it('takes max-age, includeSubDomains and preload', async () => {
    const { app } = testApp({ hsts: { maxAgeSeconds: 63072000, includeSubDomains: true, preload: true } });
    expect((await request(app).get('/healthz')).headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
    const short = testApp({ hsts: { maxAgeSeconds: 300 } });
    expect((await request(short.app).get('/healthz')).headers['strict-transport-security']).toBe('max-age=300');
  });

  it.each<[string, Partial<WaymarkRouterOptions>]>([
    ['with an http issuer (RFC 6797 §7.2)', { issuer: 'http://localhost:3000', hsts: {} }],
    ['with a negative max-age', { hsts: { maxAgeSeconds: -1 } }],
    ['with preload but not includeSubDomains', { hsts: { preload: true } }],
    ['with preload and a max-age under a year', { hsts: { preload: true, includeSubDomains: true, maxAgeSeconds: 86400 } }],
    ['that is not an object', { hsts: 'on' as never }],
  ])('is refused at start-up %s (ERR_ROUTER_OPTIONS naming hsts)', (_name, override) => {
    expect(() => testApp(override)).toThrow(RouterOptionsError);
    try {
      testApp(override);
    } catch (error) {
      expect((error as RouterOptionsError).details['option']).toBe('hsts');
    }
  });
});
