import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { CHALLENGE, SECRET, basic, clients, form, testApp } from '../support/app.js';
import { journeyApp, spaClient, webClient } from '../support/journeys.js';

/* Issue 15, one client model at the adapter: `enabled` and the CORS settings of the shared model. */

const webBody = { response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

describe('enabled', () => {
  it('a client configured with enabled: false is unknown to every endpoint (invalid_client)', async () => {
    const { app } = testApp({ clients: [{ ...clients.web, enabled: false }] });
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(webBody));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

describe('CORS of the journey API: cors_policy and one-wildcard origins', () => {
  const preflight = (app: Parameters<typeof request>[0], origin: string) =>
    request(app).options('/journeys/confirm').set('Origin', origin).set('Access-Control-Request-Method', 'POST');

  it('a wildcard origin pattern matches one sub-domain label', async () => {
    const { app } = await journeyApp({ clients: [webClient, { ...spaClient, cors_origins: ['https://*.spa.example.com'] }] });
    expect((await preflight(app, 'https://tenant.spa.example.com')).status).toBe(204);
    expect((await preflight(app, 'https://a.b.spa.example.com')).status).toBe(403);
  });

  it('any_origin allows any https origin; no_origins none', async () => {
    const { cors_origins: _c, ...bare } = spaClient;
    const any = await journeyApp({ clients: [webClient, { ...bare, cors_policy: 'any_origin' }] });
    expect((await preflight(any.app, 'https://whoever.example.net')).status).toBe(204);
    expect((await preflight(any.app, 'http://whoever.example.net')).status).toBe(403);
    const none = await journeyApp({ clients: [webClient, { ...bare, cors_policy: 'no_origins' }] });
    expect((await preflight(none.app, 'https://spa.example.com')).status).toBe(403);
  });
});
