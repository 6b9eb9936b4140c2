import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { form, mobilePar, testApp } from '../support/app.js';

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
