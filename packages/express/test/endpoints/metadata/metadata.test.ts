import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ISSUER, clients, testApp } from '../../support/app.js';

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('publishes the issuer, endpoints, auth methods, PKCE methods, response types and RFC 9207 support', async () => {
    const { app } = testApp();
    const res = await request(app).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      pushed_authorization_request_endpoint: `${ISSUER}/par`,
      require_pushed_authorization_requests: false,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256', 'plain'],
      response_types_supported: [],
      grant_types_supported: [],
      response_modes_supported: ['query'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('claims no token endpoint, keys, response type or grant it cannot honour (RFC 8414 §2 defaults grant_types_supported otherwise)', async () => {
    const { app } = testApp();
    const res = await request(app).get('/.well-known/oauth-authorization-server');
    for (const key of ['token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'registration_endpoint']) expect(res.body).not.toHaveProperty(key);
    expect(res.body.grant_types_supported).toEqual([]);
    expect(res.body.response_types_supported).toEqual([]);
  });

  it('says require_pushed_authorization_requests only when every client requires PAR', async () => {
    const all = testApp({ clients: [clients.sessionTransfer, { ...clients.mobile, require_pushed_authorization_requests: true }] });
    expect((await request(all.app).get('/.well-known/oauth-authorization-server')).body.require_pushed_authorization_requests).toBe(true);
    const some = testApp({ clients: [clients.sessionTransfer, clients.mobile] });
    expect((await request(some.app).get('/.well-known/oauth-authorization-server')).body.require_pushed_authorization_requests).toBe(false);
  });

  it('lists plain PKCE only when some client allows it', async () => {
    const { app } = testApp({ clients: [clients.mobile, clients.sessionTransfer] });
    const res = await request(app).get('/.well-known/oauth-authorization-server');
    expect(res.body.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('does not repeat a trailing slash of the issuer in endpoint URLs', async () => {
    const { app } = testApp({ issuer: 'https://login.example.com/tenant/' });
    const res = await request(app).get('/.well-known/oauth-authorization-server');
    expect(res.body.issuer).toBe('https://login.example.com/tenant/');
    expect(res.body.pushed_authorization_request_endpoint).toBe('https://login.example.com/tenant/par');
  });
});
