import { describe, expect, it } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import request from 'supertest';
import type { ClientConfig } from '@waymark/express';
import { CHALLENGE, ISSUER, SECRET, basic, clients, form, testApp } from '../../support/app.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const webBody = { response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('accepts the right secret', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(webBody));
    expect(res.status).toBe(201);
  });

  it('answers 401 invalid_client with a Basic WWW-Authenticate challenge to a wrong secret', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', basic('web-app', `${SECRET}x`)).type('form').send(form(webBody));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('decodes form-urlencoded credentials before comparing them', async () => {
    const secret = 'sécret:with/special+chars&more-than-32-characters';
    const config = { ...clients.web, client_id: 'odd-id+1%', client_secret: secret };
    const { app } = testApp({ clients: [config] });
    const res = await request(app).post('/par').set('Authorization', basic(config.client_id, secret)).type('form').send(form(webBody));
    expect(res.status).toBe(201);
  });

  it('refuses malformed Basic credentials with 401', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', 'Basic !!!').type('form').send(form(webBody));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('refuses a confidential client that sends no secret at all', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form({ client_id: 'web-app', ...webBody }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('refuses a body client_id that differs from the Basic user as a malformed request: 400 invalid_request', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form({ client_id: 'post-app', ...webBody }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'client_id does not match the client of the Authorization header' });
  });

  it('refuses two authentication methods in one request (RFC 6749 §2.3)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form({ client_secret: SECRET, ...webBody }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a secret sent by the method the client did not register (post for a basic client)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form({ client_id: 'web-app', client_secret: SECRET, ...webBody }));
    expect(res.status).toBe(401);
  });
});

describe('client_secret_post', () => {
  it('accepts the right secret and refuses a wrong one', async () => {
    const { app } = testApp();
    const ok = await request(app).post('/par').type('form').send(form({ client_id: 'post-app', client_secret: SECRET, response_type: 'code' }));
    expect(ok.status).toBe(201);
    const bad = await request(app).post('/par').type('form').send(form({ client_id: 'post-app', client_secret: 'wrong', response_type: 'code' }));
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
    expect(bad.headers['www-authenticate']).toBeUndefined();
  });
});

describe('public clients', () => {
  it('answers 401 invalid_client to an unknown client_id', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form({ client_id: 'nobody', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('answers 400 invalid_request when no client is named at all (client_id is a required parameter)', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form({ response_type: 'code' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'client_id is required' });
  });

  it('refuses a public client that sends a secret', async () => {
    const { app } = testApp();
    const res = await request(app).post('/par').type('form').send(form({ client_id: 'mobile-app', client_secret: 'x', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' }));
    expect(res.status).toBe(401);
  });
});

describe('private_key_jwt (RFC 7523)', () => {
  async function setup() {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const agent: ClientConfig = {
      client_id: 'agent',
      type: 'ai-agent',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
      redirect_uris: ['https://agent.example.com/cb'],
      allowed_flows: ['agent-consent'],
    };
    const t = testApp({ clients: [agent] });
    const sign = (claims: { aud?: string; iss?: string; sub?: string; exp?: number; jti?: string | null } = {}, key: CryptoKey = privateKey, kid = 'k1') => {
      const now = Math.floor(t.clock.ms / 1000);
      const jwt = new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(claims.iss ?? 'agent')
        .setSubject(claims.sub ?? 'agent')
        .setAudience(claims.aud ?? ISSUER)
        .setIssuedAt(now)
        .setExpirationTime(claims.exp ?? now + 60);
      if (claims.jti !== null) jwt.setJti(claims.jti ?? `jti-${Math.random()}`);
      return jwt.sign(key);
    };
    const push = (assertion: string, extra: Record<string, string> = {}) =>
      request(t.app)
        .post('/par')
        .type('form')
        .send(form({ client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra }));
    return { ...t, sign, push, otherKey: other.privateKey };
  }

  it('accepts an assertion signed by the registered key with aud = issuer or the PAR endpoint URL', async () => {
    const { sign, push } = await setup();
    expect((await push(await sign())).status).toBe(201);
    expect((await push(await sign({ aud: `${ISSUER}/par` }))).status).toBe(201);
  });

  it('refuses an assertion signed with another key', async () => {
    const { sign, push, otherKey } = await setup();
    const res = await push(await sign({}, otherKey));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a wrong audience', async () => {
    const { sign, push } = await setup();
    const res = await push(await sign({ aud: 'https://other.example.com' }));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toContain('aud');
  });

  it('refuses an expired assertion, judged by the injected clock', async () => {
    const { sign, push, clock } = await setup();
    const assertion = await sign();
    clock.advance(60 + 31);
    const res = await push(assertion);
    expect(res.status).toBe(401);
    expect(res.body.error_description).toContain('expired');
  });

  it('refuses a replayed jti', async () => {
    const { sign, push } = await setup();
    const assertion = await sign({ jti: 'once' });
    expect((await push(assertion)).status).toBe(201);
    const replay = await push(assertion);
    expect(replay.status).toBe(401);
    expect(replay.body.error_description).toContain('jti');
  });

  it('refuses an assertion without jti', async () => {
    const { sign, push } = await setup();
    expect((await push(await sign({ jti: null }))).status).toBe(401);
  });

  it('refuses an assertion whose sub is not the client', async () => {
    const { sign, push } = await setup();
    expect((await push(await sign({ sub: 'someone-else' }))).status).toBe(401);
  });

  it('refuses an assertion that lives longer than the maximum lifetime', async () => {
    const { sign, push, clock } = await setup();
    const res = await push(await sign({ exp: Math.floor(clock.ms / 1000) + 3600 }));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toContain('too long');
  });

  it('refuses an unsigned (alg none) assertion', async () => {
    const { push, clock } = await setup();
    const now = Math.floor(clock.ms / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${enc({ alg: 'none' })}.${enc({ iss: 'agent', sub: 'agent', aud: ISSUER, exp: now + 60, jti: 'x' })}.`;
    expect((await push(unsigned)).status).toBe(401);
  });

  it('refuses a wrong client_assertion_type', async () => {
    const { sign, push } = await setup();
    const res = await push(await sign(), { client_assertion_type: 'urn:example:other' });
    expect(res.status).toBe(401);
  });

  it('refuses a client_id that differs from the assertion issuer as a malformed request (400)', async () => {
    const { sign, push } = await setup();
    const res = await push(await sign(), { client_id: 'mobile-app' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('client_secret_jwt (RFC 7523 §2.2, OIDC Core §9): an HMAC assertion over the client secret', () => {
  const config = { ...clients.web, client_id: 'hmac-app', token_endpoint_auth_method: 'client_secret_jwt' } as ClientConfig;
  const assertion = (secret: string, now: number, jti = crypto.randomUUID()) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('hmac-app')
      .setSubject('hmac-app')
      .setAudience(ISSUER)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(secret));

  it('accepts an assertion signed with the secret, refuses one signed with another', async () => {
    const { app, clock } = testApp({ clients: [config] });
    const send = async (secret: string) =>
      request(app)
        .post('/par')
        .type('form')
        .send(form({ client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(secret, Math.floor(clock.ms / 1000)), ...webBody }));
    expect((await send(SECRET)).status).toBe(201);
    const bad = await send(`${SECRET}-but-another-one`);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
  });

  it('refuses a client_secret_jwt client presenting its secret in the body', async () => {
    const { app } = testApp({ clients: [config] });
    const res = await request(app).post('/par').type('form').send(form({ client_id: 'hmac-app', client_secret: SECRET, ...webBody }));
    expect(res.status).toBe(401);
  });
});
