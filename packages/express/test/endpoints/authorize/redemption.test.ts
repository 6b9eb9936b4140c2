import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { authorizeUrl, cookieSets, handoffApp, mintToken, pushHandoff, serveJwks, signingKeys, TARGET } from '../../../../../test/support/handoff-app.js';

/*
 * Who may redeem a request_uri at GET /authorize, and with what: only a top-level navigation
 * (Fetch Metadata), never beside a request object (RFC 9101 §5), only a request_uri this
 * server issued, and only by GET. A refused redemption leaves the request_uri usable.
 */

let jwks: Awaited<ReturnType<typeof serveJwks>>;
beforeAll(async () => {
  jwks = await serveJwks((await signingKeys()).jwk);
});
afterAll(async () => {
  await jwks.close();
});

async function pushed() {
  const t = await handoffApp(jwks.base);
  const requestUri = await pushHandoff(t.app, { subject_token: await mintToken(t.clock) });
  /** The real navigation afterwards: the link was left intact. */
  const stillWorks = async () => {
    const res = await request(t.app).get(authorizeUrl(requestUri)).set({ 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(TARGET);
  };
  return { ...t, requestUri, stillWorks };
}

describe('GET /authorize: only a top-level navigation redeems a request_uri', () => {
  it.each([
    ['a cross-site iframe', { 'Sec-Fetch-Dest': 'iframe', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'cross-site' }],
    ['a fetch()', { 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' }],
    ['a no-cors fetch()', { 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'no-cors' }],
    ['an image', { 'Sec-Fetch-Dest': 'image', 'Sec-Fetch-Mode': 'no-cors' }],
    ['a prefetch', { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Purpose': 'prefetch' }],
    ['a prerender', { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Purpose': 'prefetch;prerender' }],
  ])('refuses %s with 400 and no cookie, and leaves the request_uri usable', async (_name, headers) => {
    const { app, requestUri, stillWorks } = await pushed();
    const res = await request(app).get(authorizeUrl(requestUri)).set(headers);
    expect(res.status).toBe(400);
    expect(cookieSets(res)).toEqual([]);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('must be opened directly in the browser');
    await stillWorks();
  });

  it('refuses HEAD (a link preview probe) and leaves the request_uri usable', async () => {
    const { app, requestUri, stillWorks } = await pushed();
    expect((await request(app).head(authorizeUrl(requestUri))).status).toBe(400);
    await stillWorks();
  });

  it('redeems a request without Fetch Metadata (a native app\'s HTTP client, an older browser)', async () => {
    const { app, requestUri } = await pushed();
    expect((await request(app).get(authorizeUrl(requestUri))).status).toBe(303);
  });

  it('redeems a request of Node\'s fetch, which sends Sec-Fetch-Mode: cors alone (no Sec-Fetch-Dest: no browser page)', async () => {
    const { app, requestUri } = await pushed();
    expect((await request(app).get(authorizeUrl(requestUri)).set('Sec-Fetch-Mode', 'cors')).status).toBe(303);
  });
});

describe('GET /authorize: request objects and foreign request_uri values', () => {
  it('refuses request beside request_uri (RFC 9101 §5) and leaves the request_uri usable', async () => {
    const { app, requestUri, stillWorks } = await pushed();
    const res = await request(app)
      .get(`${authorizeUrl(requestUri)}&request=eyJhbGciOiJub25lIn0.e30.`)
      .set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: 'request must not be sent with request_uri (RFC 9101 §5)' });
    await stillWorks();
  });

  it('answers request_uri_not_supported to a URL request_uri', async () => {
    const { app } = await pushed();
    const res = await request(app).get(authorizeUrl('https://evil.example/request.jwt')).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('request_uri_not_supported');
  });

  it('answers request_not_supported to a request object of a plain request', async () => {
    const t = await handoffApp(jwks.base, {
      clients: [{ client_id: 'web', type: 'web', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'x'.repeat(32), redirect_uris: ['https://app.example.com/cb'], allowed_flows: ['session-transfer'] }],
    });
    const res = await request(t.app).get('/authorize?client_id=web&request=eyJhbGciOiJub25lIn0.e30.').set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('request_not_supported');
  });
});

describe('GET /authorize: a plain request is validated as PAR validates it', () => {
  const web = {
    client_id: 'web',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: 'x'.repeat(32),
    redirect_uris: ['https://app.example.com/cb'],
    allowed_flows: ['session-transfer'],
    allowed_scopes: ['openid'],
    allowed_pushed_parameters: ['target'],
    redirect_targets: ['https://app.example.com/'],
  };
  const plain = (extra: Record<string, string>) =>
    `/authorize?${new URLSearchParams({ client_id: 'web', response_type: 'code', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 's1', ...extra }).toString()}`;

  it('sends invalid_scope back to the redirect_uri for a scope outside allowed_scopes (RFC 6749 §4.1.2.1)', async () => {
    const { app } = await handoffApp(jwks.base, { clients: [web] });
    const res = await request(app).get(plain({ scope: 'openid admin' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://app.example.com/cb');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_scope', state: 's1' });
  });

  it('sends invalid_request back for a target off the client\'s redirect_targets', async () => {
    const { app } = await handoffApp(jwks.base, { clients: [web] });
    const res = await request(app).get(plain({ scope: 'openid', target: 'https://evil.example/' }));
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('/authorize: methods', () => {
  it('answers 405 with Allow: GET to POST (RFC 6749 §3.1 asks for GET)', async () => {
    const { app } = await pushed();
    const res = await request(app).post('/authorize').type('form').send('client_id=session-transfer');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
  });

  it('answers 400 invalid_request, as a page, to a request without client_id', async () => {
    const { app } = await pushed();
    const res = await request(app).get('/authorize?request_uri=urn:ietf:params:oauth:request_uri:x');
    expect(res.status).toBe(400);
    expect((await request(app).get('/authorize?request_uri=x').set('Accept', 'application/json')).body.error).toBe('invalid_request');
  });
});
