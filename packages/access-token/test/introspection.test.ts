import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { createAccessTokenValidator, type AccessTokenResult, type AccessTokenValidatorOptions, type IntrospectionOptions } from '@waymark/access-token';
import { AUDIENCE, ISSUER, json, manualClock, serve } from './support.js';

const clock = manualClock();
const now = () => Math.floor(clock.now() / 1000);

/* A real authorization server's introspection endpoint: answers what `answers` holds for a token. */
const answers: Record<string, unknown> = {};
let as: Awaited<ReturnType<typeof serve>>;
let last: { headers: IncomingHttpHeaders; form: URLSearchParams } | undefined;
const BASIC = `Basic ${Buffer.from('waymark:s3cret').toString('base64')}`;

beforeAll(async () => {
  as = await serve((req, body, res) => {
    const form = new URLSearchParams(body);
    last = { headers: req.headers, form };
    if (req.url !== '/introspect' || req.method !== 'POST') return json(res, 404, {});
    const basic = req.headers.authorization === BASIC;
    const post = form.get('client_id') === 'waymark' && form.get('client_secret') === 's3cret';
    const none = form.get('client_id') === 'public-rs' && !form.has('client_secret') && req.headers.authorization === undefined;
    if (!basic && !post && !none) return json(res, 401, { error: 'invalid_client' });
    json(res, 200, answers[form.get('token') ?? ''] ?? { active: false });
  });
});
afterAll(async () => {
  await as.close();
});

const validator = (o: Partial<AccessTokenValidatorOptions> = {}, client: Partial<IntrospectionOptions> = {}) =>
  createAccessTokenValidator({
    issuer: ISSUER,
    audience: AUDIENCE,
    introspection: { endpoint: `${as.url}/introspect`, clientId: 'waymark', clientSecret: 's3cret', ...client },
    clock,
    ...o,
  });
const active = (extra: Record<string, unknown> = {}) => ({ active: true, iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'mobile-app', scope: 'openid', exp: now() + 300, ...extra });

function refusal(result: AccessTokenResult): { reason: string; code: string; kind: string } {
  if (result.ok) throw new Error('expected the token to be refused');
  return { reason: result.error.reason, code: result.error.code, kind: result.error.kind };
}

describe('createAccessTokenValidator (introspection, RFC 7662)', () => {
  it('accepts an active token, authenticating with client_secret_basic and asking for an access token', async () => {
    answers['opaque-ok'] = active();
    const result = await validator().validate('opaque-ok');
    expect(result).toEqual({ ok: true, claims: expect.objectContaining({ sub: 'alice', active: true }), clientId: 'mobile-app', scopes: ['openid'] });
    expect(last?.headers.authorization).toBe(BASIC);
    expect(last?.headers.accept).toBe('application/json');
    expect(last?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    // RFC 7662 §2.1: the token and the hint in the form; the secret never in the body with basic.
    expect(Object.fromEntries(last!.form)).toEqual({ token: 'opaque-ok', token_type_hint: 'access_token' });
  });

  it('form-encodes client id and secret before the Basic encoding (RFC 6749 §2.3.1)', async () => {
    answers['opaque-ok'] = active();
    const result = await validator({}, { clientId: 'a b:c', clientSecret: 'p+ss w!' }).validate('opaque-ok');
    expect(refusal(result)).toMatchObject({ reason: 'introspection_unavailable' }); // our AS knows no such client
    expect(last?.headers.authorization).toBe(`Basic ${Buffer.from('a+b%3Ac:p%2Bss+w%21').toString('base64')}`);
  });

  it('authenticates with client_secret_post and with none (client_id only)', async () => {
    answers['opaque-ok'] = active();
    expect((await validator({}, { authMethod: 'client_secret_post' }).validate('opaque-ok')).ok).toBe(true);
    expect(last?.headers.authorization).toBeUndefined();
    expect(last?.form.get('client_secret')).toBe('s3cret');
    expect((await validator({}, { authMethod: 'none', clientId: 'public-rs', clientSecret: undefined }).validate('opaque-ok')).ok).toBe(true);
    expect(Object.fromEntries(last!.form)).toEqual({ token: 'opaque-ok', token_type_hint: 'access_token', client_id: 'public-rs' });
  });

  it('is inactive for an answer active: false', async () => {
    expect(refusal(await validator().validate('opaque-unknown'))).toEqual({ reason: 'inactive', code: 'ERR_ACCESS_TOKEN_INACTIVE', kind: 'invalid' });
  });

  it('judges the answer by the injected clock: expired, no_expiry, not_yet_valid, max age', async () => {
    answers['opaque-expired'] = active({ exp: now() - 60 });
    expect(refusal(await validator().validate('opaque-expired'))).toMatchObject({ reason: 'expired' });
    answers['opaque-noexp'] = active({ exp: undefined });
    expect(refusal(await validator().validate('opaque-noexp'))).toMatchObject({ reason: 'no_expiry' });
    answers['opaque-nbf'] = active({ nbf: now() + 120 });
    expect(refusal(await validator().validate('opaque-nbf'))).toMatchObject({ reason: 'not_yet_valid' });
    answers['opaque-iat'] = active({ iat: now() + 120 });
    expect(refusal(await validator().validate('opaque-iat'))).toMatchObject({ reason: 'not_yet_valid' });
    answers['opaque-old'] = active({ iat: now() - 600 });
    expect(refusal(await validator({ maxAgeSeconds: 300 }).validate('opaque-old'))).toMatchObject({ reason: 'expired' });
    const later = manualClock(clock.now());
    answers['opaque-soon'] = active({ exp: now() + 60 });
    const v = validator({ clock: later });
    expect((await v.validate('opaque-soon')).ok).toBe(true);
    later.advance(91_000);
    expect(refusal(await v.validate('opaque-soon'))).toMatchObject({ reason: 'expired' });
  });

  it('checks the issuer and, when configured, the audience of the answer; a missing sub is malformed', async () => {
    answers['opaque-aud'] = active({ aud: 'https://api.example' });
    expect(refusal(await validator().validate('opaque-aud'))).toMatchObject({ reason: 'audience' });
    expect((await validator({ audience: undefined }).validate('opaque-aud')).ok).toBe(true);
    answers['opaque-iss'] = active({ iss: 'https://evil.example' });
    expect(refusal(await validator().validate('opaque-iss'))).toMatchObject({ reason: 'issuer' });
    answers['opaque-nosub'] = active({ sub: undefined });
    expect(refusal(await validator().validate('opaque-nosub'))).toMatchObject({ reason: 'malformed' });
  });

  it('checks token_type when the answer names one: Bearer (any case) passes, DPoP or a refresh token does not', async () => {
    answers['opaque-bearer'] = active({ token_type: 'bearer' });
    expect((await validator().validate('opaque-bearer')).ok).toBe(true);
    answers['opaque-dpop'] = active({ token_type: 'DPoP' });
    expect(refusal(await validator().validate('opaque-dpop'))).toEqual({ reason: 'type', code: 'ERR_ACCESS_TOKEN_TYPE', kind: 'invalid' });
    answers['opaque-refresh'] = active({ token_type: 'refresh_token' });
    expect(refusal(await validator().validate('opaque-refresh'))).toMatchObject({ reason: 'type' });
    expect((await validator({}, { tokenTypes: ['Bearer', 'DPoP'] }).validate('opaque-dpop')).ok).toBe(true);
  });

  it('is introspection_unavailable when the AS refuses our client, answers no RFC 7662 object, or is down', async () => {
    answers['opaque-ok'] = active();
    expect(refusal(await validator({}, { clientSecret: 'wrong' }).validate('opaque-ok'))).toEqual({
      reason: 'introspection_unavailable',
      code: 'ERR_ACCESS_TOKEN_INTROSPECTION_UNAVAILABLE',
      kind: 'unavailable',
    });
    answers['opaque-array'] = [active()];
    expect(refusal(await validator().validate('opaque-array'))).toMatchObject({ reason: 'introspection_unavailable' });
    answers['opaque-noactive'] = { sub: 'alice', exp: now() + 300 };
    expect(refusal(await validator().validate('opaque-noactive'))).toMatchObject({ reason: 'introspection_unavailable' });
    const down = await serve((_req, _body, res) => json(res, 200, {}));
    const endpoint = `${down.url}/introspect`;
    await down.close();
    expect(refusal(await validator({}, { endpoint }).validate('opaque-ok'))).toMatchObject({ reason: 'introspection_unavailable', kind: 'unavailable' });
  });

  it('never follows a redirect (the token would go elsewhere), and stops when the caller aborts', async () => {
    let elsewhere = 0;
    const target = await serve((_req, _body, res) => {
      elsewhere++;
      json(res, 200, active());
    });
    const redirecting = await serve((_req, _body, res) => {
      res.writeHead(307, { location: `${target.url}/introspect` });
      res.end();
    });
    try {
      expect(refusal(await validator({}, { endpoint: `${redirecting.url}/introspect` }).validate('opaque-ok'))).toMatchObject({ reason: 'introspection_unavailable' });
      expect(elsewhere).toBe(0);
      expect(refusal(await validator({}, { endpoint: `${target.url}/introspect` }).validate('opaque-ok', { signal: AbortSignal.abort() }))).toMatchObject({
        reason: 'introspection_unavailable',
      });
      expect(elsewhere).toBe(0);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });

  it('refuses at start-up plain http to a non-loopback endpoint and a missing client secret (ERR_CONFIG_INVALID)', () => {
    expect(() => validator({}, { endpoint: 'http://as.example/introspect' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/introspection/endpoint' }), message: expect.stringContaining('https') }),
    );
    expect(() => validator({}, { clientSecret: undefined })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', details: expect.objectContaining({ key: '/introspection/clientSecret' }) }));
  });
});
