import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
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

  it('refuses HS* and none in the algorithm config at flow load', async () => {
    for (const alg of ['HS256', 'none'])
      await expect(validate(await mint(), { algorithms: [alg] })).rejects.toMatchObject({
        code: 'ERR_FLOW_CONFIG',
        details: { problems: [expect.objectContaining({ pointer: '/algorithms/0', message: expect.stringContaining(`"${alg}" is not allowed`) })] },
      });
  });

  /*
   * The validator (@waymark/access-token, with its own tests of every check) decides; the node
   * passes its config through and maps the result: a refusal is `invalid` with the validator's
   * reason, nothing reaches state. One row per config key the node hands over.
   */
  it.each([
    ['alg:none', async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', client_id: 'mobile-app', exp: now() + 300 })}.`, {}, 'algorithm'],
    ['an unknown kid', () => mint({ kid: 'nope' }), {}, 'unknown_kid'],
    ['expired beyond clockToleranceSeconds', () => mint({ claims: { exp: now() - 31 } }), {}, 'expired'],
    ['expired with clockToleranceSeconds 0', () => mint({ claims: { exp: now() - 5 } }), { clockToleranceSeconds: 0 }, 'expired'],
    ['without exp', () => mint({ claims: { exp: undefined } }), {}, 'no_expiry'],
    ['not yet valid', () => mint({ claims: { nbf: now() + 120 } }), {}, 'not_yet_valid'],
    ['older than maxAgeSeconds', () => mint({ claims: { iat: now() - 600 } }), { maxAgeSeconds: 300 }, 'expired'],
    ['from another issuer', () => mint({ claims: { iss: 'https://evil.example' } }), {}, 'issuer'],
    ['for another audience', () => mint({ claims: { aud: 'https://api.example' } }), {}, 'audience'],
    ['typed JWT', () => mint({ typ: 'JWT' }), {}, 'type'],
    ['typed JWT with types ["at+jwt"]', () => mint({ typ: 'JWT' }), { types: ['at+jwt'] }, 'type'],
    ['signed by another key', () => mint({ key: foreign.privateKey }), {}, 'signature'],
    ['ES256 while only RS256 is pinned', () => mint({ key: ec.privateKey, alg: 'ES256', kid: 'ec-1' }), { algorithms: ['RS256'] }, 'algorithm'],
  ] as [string, () => Promise<string>, Record<string, unknown>, string][])('maps a token %s to invalid with the reason of the validator', async (_name, make, config, reason) => {
    const r = await validate(await make(), config);
    expect(r).toMatchObject({ outcome: 'invalid', reason });
    expect(r.state).toEqual({});
  });

  it('passes types through: a JWT-typed token is valid when the flow accepts that type', async () => {
    expect((await validate(await mint({ typ: 'JWT' }), { types: ['JWT'] })).outcome).toBe('valid');
    expect((await validate(await mint({ key: ec.privateKey, alg: 'ES256', kid: 'ec-1', typ: 'application/at+jwt' }))).outcome).toBe('valid');
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

  it('requires audience and exactly one key source in jwt mode at flow load', async () => {
    const base = { issuer: ISSUER, allowedClients: ['a'] };
    /** The pointers of the problems a config is refused with (ERR_FLOW_CONFIG), or 'accepted'. */
    const refusedAt = async (config: Record<string, unknown>): Promise<string[] | 'accepted'> => {
      try {
        await runNode(tokenValidate, { config });
        return 'accepted';
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_FLOW_CONFIG', details: { type: 'token.validate' } });
        return [...new Set((error as { details: { problems: { pointer: string }[] } }).details.problems.map((p) => p.pointer))].sort();
      }
    };
    expect(await refusedAt({ ...base, audience: 'x', jwksUri: 'https://as.example/jwks' })).toBe('accepted');
    expect(await refusedAt({ ...base, audience: 'x', jwks })).toBe('accepted');
    // The schema's if/then/else failing as a whole is not reported (its `then` says what to add);
    // '' is the oneOf of the key sources failing as a whole, beside the named pointers.
    expect(await refusedAt({ ...base, jwksUri: 'https://as.example/jwks' })).toEqual(['/audience']);
    expect(await refusedAt({ ...base, audience: 'x' })).toEqual(['', '/jwks', '/jwksUri']);
    expect(await refusedAt({ ...base, audience: 'x', jwksUri: 'https://as.example/jwks', jwks })).toEqual(['']);
    await expect(runNode(tokenValidate, { config: { ...base, jwksUri: 'https://as.example/jwks' } })).rejects.toThrow('token.validate: "audience" is missing: add it.');
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

  it('maps the refusals of the answer to invalid with the reason, judged with the node config', async () => {
    answers['opaque-expired'] = active({ exp: now() - 60 });
    expect(await introspect('opaque-expired')).toMatchObject({ outcome: 'invalid', reason: 'expired' });
    answers['opaque-noexp'] = active({ exp: undefined });
    expect(await introspect('opaque-noexp')).toMatchObject({ outcome: 'invalid', reason: 'no_expiry' });
    answers['opaque-old'] = active({ iat: now() - 600 });
    expect(await introspect('opaque-old', { maxAgeSeconds: 300 })).toMatchObject({ outcome: 'invalid', reason: 'expired' });
    answers['opaque-late'] = active({ exp: now() - 10 });
    expect(await introspect('opaque-late', { clockToleranceSeconds: 0 })).toMatchObject({ outcome: 'invalid', reason: 'expired' });
    expect((await introspect('opaque-late')).outcome).toBe('valid');
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

  it('is error when the introspection endpoint is down, and logs the reason without the token', async () => {
    const down = await serve((_req, _body, res) => json(res, 200, {}));
    const url = `${down.url}/introspect`;
    await down.close();
    const r = await introspect('opaque-ok', { introspection: { endpoint: url, clientId: 'waymark', clientSecretName: 'introspection-secret' } });
    expect(r).toMatchObject({ outcome: 'error', reason: 'introspection_unavailable' });
    expect(r.logs).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ reason: 'introspection_unavailable' }) })]);
    expect(JSON.stringify(r.logs)).not.toContain('opaque-ok');
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
