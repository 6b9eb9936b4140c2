import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { tokenValidate } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://waymark.example/session-transfer';
const PAR = { clientId: 'session-transfer', ip: '203.0.113.7', params: {} as Record<string, string> };

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
async function serve(handler: Handler): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
let foreign: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: { keys: JWK[] };
let jwksServer: Awaited<ReturnType<typeof serve>>;
let jwksHits = 0;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  foreign = await generateKeyPair('RS256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
  jwksServer = await serve((_req, _body, res) => {
    jwksHits++;
    json(res, 200, jwks);
  });
});
afterAll(async () => {
  await jwksServer.close();
});

const clock = testClock(Date.UTC(2026, 0, 1, 12));
const now = () => Math.floor(clock.now() / 1000);

interface MintOptions {
  key?: CryptoKey;
  alg?: string;
  kid?: string;
  typ?: string | undefined;
  claims?: Record<string, unknown>;
}
async function mint(o: MintOptions = {}): Promise<string> {
  const header: Record<string, unknown> = { alg: o.alg ?? 'RS256', kid: o.kid ?? 'rsa-1' };
  if (!('typ' in o)) header.typ = 'at+jwt';
  else if (o.typ !== undefined) header.typ = o.typ;
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'mobile-app', scope: 'openid profile', iat: now(), exp: now() + 300, jti: 'j1', ...o.claims })
    .setProtectedHeader(header as { alg: string })
    .sign(o.key ?? rsa.privateKey);
}

const baseConfig = () => ({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${jwksServer.url}/jwks`, allowedClients: ['mobile-app'] });
const validate = (token: string | undefined, config: Record<string, unknown> = {}, extra: Parameters<typeof runNode>[1] = {}) =>
  runNode(tokenValidate, { clock, config: { ...baseConfig(), ...config }, par: { ...PAR, params: token === undefined ? {} : { subject_token: token } }, ...extra });

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('token.validate (JWT)', () => {
  it('is valid for a good RS256 token and writes sub, client_id and scope (never the token)', async () => {
    const token = await mint();
    const r = await validate(token);
    expect(r.outcome).toBe('valid');
    expect(r.state).toEqual({ sub: 'alice', client_id: 'mobile-app', scope: 'openid profile' });
    expect(JSON.stringify(r.state) + JSON.stringify(r.logs)).not.toContain(token);
  });

  it('is valid for an ES256 token and with the application/at+jwt type', async () => {
    expect((await validate(await mint({ key: ec.privateKey, alg: 'ES256', kid: 'ec-1', typ: 'application/at+jwt' }))).outcome).toBe('valid');
  });

  it('caches the JWKS per URL across journeys', async () => {
    const before = jwksHits;
    await validate(await mint());
    await validate(await mint());
    expect(jwksHits - before).toBeLessThanOrEqual(1);
  });

  it('uses the statePrefix and accepts azp in place of client_id', async () => {
    const r = await validate(await mint({ claims: { client_id: undefined, azp: 'mobile-app' } }), { statePrefix: 'token_' });
    expect(r.outcome).toBe('valid');
    expect(r.state).toMatchObject({ token_sub: 'alice', token_client_id: 'mobile-app' });
  });

  it('verifies against an inline JWKS', async () => {
    const r = await validate(await mint(), { jwksUri: undefined, jwks });
    expect(r.outcome).toBe('valid');
  });

  it('reads the token from a pushed access_token parameter when configured', async () => {
    const token = await mint();
    const r = await runNode(tokenValidate, { clock, config: { ...baseConfig(), from: { pushed: 'access_token' } }, par: { ...PAR, params: { access_token: token } } });
    expect(r.outcome).toBe('valid');
  });

  it('reads a Bearer token from the Authorization header', async () => {
    const token = await mint();
    const r = await runNode(tokenValidate, { clock, config: { ...baseConfig(), from: { header: 'authorization' } }, request: { headers: { authorization: `Bearer ${token}` } } });
    expect(r.outcome).toBe('valid');
    const basic = await runNode(tokenValidate, { clock, config: { ...baseConfig(), from: { header: 'authorization' } }, request: { headers: { authorization: `Basic ${token}` } } });
    expect(basic).toMatchObject({ outcome: 'invalid', reason: 'missing' });
  });

  it('reads the token from a journey secret', async () => {
    const r = await runNode(tokenValidate, { clock, config: { ...baseConfig(), from: { secret: 'access_token' } }, secrets: { access_token: await mint() } });
    expect(r.outcome).toBe('valid');
  });

  it('is invalid (missing) without a token, and ignores a front-channel subject_token', async () => {
    expect(await validate(undefined)).toMatchObject({ outcome: 'invalid', reason: 'missing' });
    const r = await runNode(tokenValidate, { clock, config: baseConfig(), par: PAR, params: { subject_token: await mint() } });
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'missing' });
  });

  it('rejects alg:none', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', exp: now() + 300 })}.`;
    expect(await validate(token)).toMatchObject({ outcome: 'invalid', reason: 'algorithm' });
  });

  it('rejects HS256 signed with the public key material (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', iat: now(), exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(pem));
    expect(await validate(token)).toMatchObject({ outcome: 'invalid', reason: 'algorithm' });
  });

  it('refuses HS* and none in the algorithm config at flow load', async () => {
    await expect(validate(await mint(), { algorithms: ['HS256'] })).rejects.toThrow(/algorithms/);
    await expect(validate(await mint(), { algorithms: ['none'] })).rejects.toThrow(/algorithms/);
  });

  it('rejects an unknown kid', async () => {
    expect(await validate(await mint({ kid: 'nope' }))).toMatchObject({ outcome: 'invalid', reason: 'unknown_kid' });
  });

  it('refetches the JWKS on an unknown kid once the cooldown allows, picking up a rotated key', async () => {
    const rotated = await generateKeyPair('RS256', { extractable: true });
    const keys: JWK[] = [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1' }];
    const server = await serve((_req, _body, res) => json(res, 200, { keys }));
    try {
      const config = { jwksUri: `${server.url}/jwks`, jwksCooldownSeconds: 0 };
      expect((await validate(await mint(), config)).outcome).toBe('valid');
      keys.push({ ...(await exportJWK(rotated.publicKey)), kid: 'rsa-2' });
      expect((await validate(await mint({ key: rotated.privateKey, kid: 'rsa-2' }), config)).outcome).toBe('valid');
    } finally {
      await server.close();
    }
  });

  it('rejects an expired token (beyond the clock tolerance) but accepts within it', async () => {
    expect(await validate(await mint({ claims: { exp: now() - 31 } }))).toMatchObject({ outcome: 'invalid', reason: 'expired' });
    expect((await validate(await mint({ claims: { exp: now() - 20 } }))).outcome).toBe('valid');
  });

  it('rejects a token without exp', async () => {
    expect(await validate(await mint({ claims: { exp: undefined } }))).toMatchObject({ outcome: 'invalid', reason: 'no_expiry' });
  });

  it('rejects a token not yet valid (nbf or iat in the future)', async () => {
    expect(await validate(await mint({ claims: { nbf: now() + 120 } }))).toMatchObject({ outcome: 'invalid', reason: 'not_yet_valid' });
    expect(await validate(await mint({ claims: { iat: now() + 120 } }))).toMatchObject({ outcome: 'invalid', reason: 'not_yet_valid' });
  });

  it('rejects a token older than maxAgeSeconds', async () => {
    expect(await validate(await mint({ claims: { iat: now() - 600 } }), { maxAgeSeconds: 300 })).toMatchObject({ outcome: 'invalid', reason: 'expired' });
  });

  it('rejects the wrong issuer', async () => {
    expect(await validate(await mint({ claims: { iss: 'https://evil.example' } }))).toMatchObject({ outcome: 'invalid', reason: 'issuer' });
  });

  it('rejects the wrong audience', async () => {
    expect(await validate(await mint({ claims: { aud: 'https://api.example' } }))).toMatchObject({ outcome: 'invalid', reason: 'audience' });
  });

  it('rejects the wrong or missing typ (an ID token is not an access token)', async () => {
    expect(await validate(await mint({ typ: 'JWT' }))).toMatchObject({ outcome: 'invalid', reason: 'type' });
    expect(await validate(await mint({ typ: undefined }))).toMatchObject({ outcome: 'invalid', reason: 'type' });
  });

  it('rejects a token issued to another client', async () => {
    expect(await validate(await mint({ claims: { client_id: 'other-app' } }))).toMatchObject({ outcome: 'invalid', reason: 'client' });
    expect(await validate(await mint({ claims: { client_id: undefined } }))).toMatchObject({ outcome: 'invalid', reason: 'client' });
  });

  it('rejects a token whose client is the PAR client itself', async () => {
    const r = await validate(await mint({ claims: { client_id: 'session-transfer' } }), { allowedClients: ['mobile-app', 'session-transfer'] });
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'client' });
  });

  it('rejects a token lacking a required scope', async () => {
    expect(await validate(await mint(), { requiredScopes: ['session_transfer'] })).toMatchObject({ outcome: 'invalid', reason: 'scope' });
    expect((await validate(await mint({ claims: { scope: 'openid session_transfer' } }), { requiredScopes: ['session_transfer'] })).outcome).toBe('valid');
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await mint()).split('.');
    const tampered = `${h}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', iat: now(), exp: now() + 300 })}.${s}`;
    const r = await validate(tampered);
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'signature' });
    expect(r.state).toEqual({});
  });

  it("rejects a token signed by another issuer's key under our kid", async () => {
    expect(await validate(await mint({ key: foreign.privateKey }))).toMatchObject({ outcome: 'invalid', reason: 'signature' });
  });

  it('rejects garbage and over-long tokens as malformed', async () => {
    expect(await validate('not.a.jwt')).toMatchObject({ outcome: 'invalid', reason: 'malformed' });
    expect(await validate('x'.repeat(9000))).toMatchObject({ outcome: 'invalid', reason: 'malformed' });
  });

  it('is error when the JWKS endpoint is down, and logs no token', async () => {
    const down = await serve((_req, _body, res) => json(res, 200, jwks));
    const url = `${down.url}/jwks`;
    await down.close();
    const token = await mint();
    const r = await validate(token, { jwksUri: url });
    expect(r).toMatchObject({ outcome: 'error', reason: 'jwks_unavailable' });
    expect(JSON.stringify(r.logs)).not.toContain(token);
  });

  it('is error when the JWKS endpoint answers 500', async () => {
    const broken = await serve((_req, _body, res) => json(res, 500, { error: 'boom' }));
    try {
      expect(await validate(await mint(), { jwksUri: `${broken.url}/jwks` })).toMatchObject({ outcome: 'error', reason: 'jwks_unavailable' });
    } finally {
      await broken.close();
    }
  });

  /** A fetch that counts its calls, and a JWKS server behind it. */
  async function countedJwks() {
    const counted = { calls: 0 };
    const fetchSpy: typeof fetch = (input, init) => {
      counted.calls++;
      return fetch(input, init);
    };
    const server = await serve((_req, _body, res) => json(res, 200, jwks));
    return { counted, fetchSpy, server };
  }

  it('fetches the JWKS through services.fetch', async () => {
    const { counted, fetchSpy, server } = await countedJwks();
    try {
      const r = await validate(await mint(), { jwksUri: `${server.url}/jwks` }, { services: { fetch: fetchSpy } });
      expect(r.outcome).toBe('valid');
      expect(counted.calls).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('refuses alg:none and HS256 before fetching any key (no JWKS request for a forged header)', async () => {
    const { counted, fetchSpy, server } = await countedJwks();
    try {
      const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', exp: now() + 300 })}.`;
      const hs = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', exp: now() + 300 })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })
        .sign(new TextEncoder().encode('x'.repeat(32)));
      for (const token of [none, hs])
        expect(await validate(token, { jwksUri: `${server.url}/jwks-forged` }, { services: { fetch: fetchSpy } })).toMatchObject({
          outcome: 'invalid',
          reason: 'algorithm',
        });
      expect(counted.calls).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('requires audience and exactly one key source in jwt mode at flow load', async () => {
    await expect(runNode(tokenValidate, { config: { issuer: ISSUER, allowedClients: ['a'], jwksUri: 'https://as.example/jwks' } })).rejects.toThrow();
    await expect(runNode(tokenValidate, { config: { issuer: ISSUER, audience: 'x', allowedClients: ['a'] } })).rejects.toThrow();
  });
});

describe('token.validate (introspection)', () => {
  const answers: Record<string, unknown> = {};
  let as: Awaited<ReturnType<typeof serve>>;
  let lastAuth: string | undefined;
  beforeAll(async () => {
    as = await serve((req, body, res) => {
      lastAuth = req.headers.authorization;
      if (req.url !== '/introspect' || req.method !== 'POST') return json(res, 404, {});
      if (req.headers.authorization !== `Basic ${Buffer.from('waymark:s3cret').toString('base64')}`) return json(res, 401, { error: 'invalid_client' });
      const token = new URLSearchParams(body).get('token') ?? '';
      json(res, 200, answers[token] ?? { active: false });
    });
  });
  afterAll(async () => {
    await as.close();
  });

  const services = { secretSource: { get: (name: string) => (name === 'introspection-secret' ? 's3cret' : undefined) } };
  const introspectionConfig = () => ({
    mode: 'introspection',
    issuer: ISSUER,
    audience: AUDIENCE,
    allowedClients: ['mobile-app'],
    introspection: { endpoint: `${as.url}/introspect`, clientId: 'waymark', clientSecretName: 'introspection-secret' },
  });
  const introspect = (token: string, config: Record<string, unknown> = {}) =>
    runNode(tokenValidate, { clock, services, config: { ...introspectionConfig(), ...config }, par: { ...PAR, params: { subject_token: token } } });
  const active = (extra: Record<string, unknown> = {}) => ({ active: true, iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'mobile-app', scope: 'openid', exp: now() + 300, ...extra });

  it('is valid for an active token and authenticates to the AS with client_secret_basic', async () => {
    answers['opaque-ok'] = active();
    const r = await introspect('opaque-ok');
    expect(r.outcome).toBe('valid');
    expect(r.state).toEqual({ sub: 'alice', client_id: 'mobile-app', scope: 'openid' });
    expect(lastAuth).toMatch(/^Basic /);
  });

  it('is invalid (inactive) for an inactive token', async () => {
    expect(await introspect('opaque-unknown')).toMatchObject({ outcome: 'invalid', reason: 'inactive' });
  });

  it('is invalid (expired) for an active answer whose exp has passed', async () => {
    answers['opaque-expired'] = active({ exp: now() - 60 });
    expect(await introspect('opaque-expired')).toMatchObject({ outcome: 'invalid', reason: 'expired' });
  });

  it('is invalid (no_expiry) for an active answer without exp', async () => {
    answers['opaque-noexp'] = active({ exp: undefined });
    expect(await introspect('opaque-noexp')).toMatchObject({ outcome: 'invalid', reason: 'no_expiry' });
  });

  it('checks client, PAR client, audience and issuer of the answer too', async () => {
    answers['opaque-other-client'] = active({ client_id: 'other' });
    expect(await introspect('opaque-other-client')).toMatchObject({ outcome: 'invalid', reason: 'client' });
    answers['opaque-par-client'] = active({ client_id: 'session-transfer' });
    expect(await introspect('opaque-par-client', { allowedClients: ['session-transfer'] })).toMatchObject({ outcome: 'invalid', reason: 'client' });
    answers['opaque-aud'] = active({ aud: 'https://api.example' });
    expect(await introspect('opaque-aud')).toMatchObject({ outcome: 'invalid', reason: 'audience' });
    answers['opaque-iss'] = active({ iss: 'https://evil.example' });
    expect(await introspect('opaque-iss')).toMatchObject({ outcome: 'invalid', reason: 'issuer' });
  });

  it('is error when the AS refuses our client credentials', async () => {
    const r = await runNode(tokenValidate, {
      clock,
      services: { secretSource: { get: () => 'wrong' } },
      config: introspectionConfig(),
      par: { ...PAR, params: { subject_token: 'opaque-ok' } },
    });
    expect(r).toMatchObject({ outcome: 'error', reason: 'introspection_unavailable' });
  });

  it('is error when the introspection endpoint is down', async () => {
    const down = await serve((_req, _body, res) => json(res, 200, {}));
    const url = `${down.url}/introspect`;
    await down.close();
    const r = await introspect('opaque-ok', { introspection: { endpoint: url, clientId: 'waymark', clientSecretName: 'introspection-secret' } });
    expect(r).toMatchObject({ outcome: 'error', reason: 'introspection_unavailable' });
  });

  it('fails (error) without a client secret, never sending the token', async () => {
    lastAuth = 'untouched';
    const r = await runNode(tokenValidate, { clock, config: introspectionConfig(), par: { ...PAR, params: { subject_token: 'opaque-ok' } } });
    expect(r.outcome).toBe('error');
    expect(lastAuth).toBe('untouched');
  });

  it('refuses plain http to a non-loopback introspection endpoint', async () => {
    const r = await introspect('opaque-ok', { introspection: { endpoint: 'http://as.example/introspect', clientId: 'waymark', clientSecretName: 'introspection-secret' } });
    expect(r.outcome).toBe('error');
    expect(String(r.error)).toMatch(/https/);
  });
});
