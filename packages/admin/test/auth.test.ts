import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createAdminRouter } from '@waymark/admin';
import { createMemoryControlStores, NodeRegistry } from '@waymark/core';
import { adminHarness, BOTH, passwordLogin, READ, WRITE, type AdminHarness } from './support.js';

describe('admin API authorization (RFC 6750 bearer tokens)', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness();
  });
  afterAll(() => h.close());

  it('answers 401 with a bare Bearer challenge when no token comes (RFC 6750 §3.1)', async () => {
    const res = await request(h.app).get('/admin/v1/flows');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="waymark-admin"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ code: 'ERR_ADMIN_TOKEN_MISSING', error: 'invalid_request' });
  });

  it.each([
    ['signed with a key not in the issuer JWKS', { foreignKey: true }],
    ['expired', { expiresIn: -3600 }],
    ['for another audience', { audience: 'https://api.example.com' }],
  ])('answers 401 invalid_token for a token %s', async (_why, options) => {
    const token = await h.token(BOTH, options);
    const res = await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="waymark-admin", error="invalid_token"/);
    expect(res.body).toMatchObject({ code: 'ERR_ADMIN_TOKEN_INVALID', error: 'invalid_token' });
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('answers 401 for a token of an issuer it does not trust, and for a header that is not Bearer', async () => {
    const token = await h.token();
    const [payload] = [token.split('.')[1]!];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const untrusted = [
      token.split('.')[0],
      Buffer.from(JSON.stringify({ ...claims, iss: 'https://evil.example' })).toString('base64url'),
      token.split('.')[2],
    ].join('.');
    for (const header of [`Bearer ${untrusted}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
      const res = await request(h.app).get('/admin/v1/flows').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });

  it('answers 403 insufficient_scope naming the scope in WWW-Authenticate (RFC 6750 §3.1)', async () => {
    const readOnly = await h.token(READ);
    const write = await request(h.app).post('/admin/v1/flows').set('Authorization', `Bearer ${readOnly}`).send(passwordLogin());
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'ERR_ADMIN_INSUFFICIENT_SCOPE', error: 'insufficient_scope' });
    expect(write.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(write.headers['www-authenticate']).toContain(`scope="${WRITE}"`);

    const writeOnly = await h.token(WRITE);
    const list = await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${writeOnly}`);
    expect(list.status).toBe(403);
    expect(list.headers['www-authenticate']).toContain(`scope="${READ}"`);
    // Validation is a read.
    const validate = await request(h.app).post('/admin/v1/flows/validate').set('Authorization', `Bearer ${readOnly}`).send(passwordLogin());
    expect(validate.status).toBe(200);
  });

  it('accepts a token with the scope and answers no-store', async () => {
    const res = await request(h.app)
      .get('/admin/v1/flows')
      .set('Authorization', `Bearer ${await h.token(READ)}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ flows: [] });
  });

  it('answers 404 with a code for a route it does not serve', async () => {
    const res = await request(h.app)
      .get('/admin/v1/nothing-here')
      .set('Authorization', `Bearer ${await h.token(READ)}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ERR_ADMIN_NOT_FOUND' });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('admin API write guards', () => {
  it('is read-only unless writes are enabled: a change is 403 ERR_ADMIN_READ_ONLY saying how to enable, and nothing is saved', async () => {
    const h = await adminHarness({ writes: false });
    try {
      const token = await h.token(BOTH);
      const res = await request(h.app).post('/admin/v1/flows').set('Authorization', `Bearer ${token}`).send(passwordLogin());
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ERR_ADMIN_READ_ONLY');
      expect(res.body.error_description).toContain('"writes": true');
      expect(await h.stores.flows.list()).toEqual([]);
      // Reads still work.
      expect((await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('refuses writes in production mode unless allowWritesInProduction is set', async () => {
    const refused = await adminHarness({ mode: 'production' });
    const allowed = await adminHarness({ mode: 'production', allowWritesInProduction: true });
    try {
      const res = await request(refused.app)
        .post('/admin/v1/flows')
        .set('Authorization', `Bearer ${await refused.token()}`)
        .send(passwordLogin());
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ERR_ADMIN_WRITES_IN_PRODUCTION');
      expect(res.body.error_description).toContain('allowWritesInProduction');
      const ok = await request(allowed.app)
        .post('/admin/v1/flows')
        .set('Authorization', `Bearer ${await allowed.token()}`)
        .send(passwordLogin());
      expect(ok.status).toBe(201);
    } finally {
      await refused.close();
      await allowed.close();
    }
  });
});

describe('admin API when the issuer is down', () => {
  it('fails closed with 503 ERR_ADMIN_ISSUER_UNAVAILABLE when the JWKS cannot be fetched', async () => {
    const probe = await adminHarness();
    const issuer = probe.issuer.issuer;
    const token = await probe.token();
    await probe.close();
    const h = await adminHarness({ trustedIssuers: [{ issuer, jwksUri: `${issuer}/jwks` }] });
    try {
      const res = await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('ERR_ADMIN_ISSUER_UNAVAILABLE');
    } finally {
      await h.close();
    }
  });
});

describe('admin API rate limit', () => {
  it('answers 429 with Retry-After once a token subject spends its budget from one address', async () => {
    const h = await adminHarness({ rateLimit: { max: 3, windowSeconds: 60 } });
    try {
      const token = await h.token(READ, { sub: 'busy-admin' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${token}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const last = await request(h.app).get('/admin/v1/flows').set('Authorization', `Bearer ${token}`);
      expect(last.body.code).toBe('ERR_ADMIN_RATE_LIMITED');
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      // Another subject has its own budget.
      const other = await request(h.app)
        .get('/admin/v1/flows')
        .set('Authorization', `Bearer ${await h.token(READ, { sub: 'other-admin' })}`);
      expect(other.status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('createAdminRouter options', () => {
  it('refuses bad options at start-up naming the option', () => {
    const base = {
      issuer: 'https://login.example.com',
      trustedIssuers: [{ issuer: 'https://as.example', jwksUri: 'https://as.example/jwks' }],
      stores: createMemoryControlStores(),
      registry: new NodeRegistry(),
      validateClient: () => [],
    };
    expect(() => createAdminRouter({ ...base, trustedIssuers: [] })).toThrow(/option "trustedIssuers"/);
    expect(() => createAdminRouter({ ...base, trustedIssuers: [{ issuer: 'https://as.example', jwksUri: 'ftp://x' }] })).toThrow(
      /trustedIssuers\[0\]/,
    );
    expect(() => createAdminRouter({ ...base, rateLimit: { max: 0, windowSeconds: 60 } })).toThrow(/option "rateLimit"/);
    expect(() => createAdminRouter({ ...base, validateClient: undefined as never })).toThrow(/option "validateClient"/);
    expect(() => createAdminRouter(base)).not.toThrow();
  });
});
