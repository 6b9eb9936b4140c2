import { describe, it, expect } from '@jest/globals';
import { ClientConfigError, clientConfigProblems, corsOriginAllowed, loadClientRecord, loadClients } from '@waymark/core';

/*
 * Issue 15, one client model: every field of PingOne's application page, its defaults (the
 * ai-agent's among them) and the contradictions refused at load with the fix and the pointer.
 */

const SECRET = 'a-client-secret-of-at-least-32-characters!';
const web = { client_id: 'web', type: 'web', token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, redirect_uris: ['https://app.example.com/cb'], allowed_flows: ['login'] };
const PNG = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64')}`;

function problemsOf(config: object): Record<string, string> {
  return Object.fromEntries(clientConfigProblems(config).map((p) => [p.pointer, p.message]));
}

describe('defaults', () => {
  it('a web client: code, authorization code, one-hour tokens, PingOne refresh defaults, enabled, no CORS', () => {
    const [client] = loadClients([web]);
    expect(client).toMatchObject({
      enabled: true,
      firstParty: true,
      responseTypes: ['code'],
      grantTypes: ['authorization_code'],
      pkce: 'S256_REQUIRED',
      requestObjectSignature: 'default',
      includeX5t: false,
      idTokenTtl: 3600,
      accessTokenTtl: 3600,
      refreshTokenDuration: 30 * 86400,
      refreshTokenRollingDuration: 180 * 86400,
      refreshTokenRollingGracePeriod: 0,
      refreshTokenReplayProtection: false,
      corsPolicy: 'no_origins',
    });
  });

  it('an ai-agent: no implicit, PKCE S256, five-minute access tokens, refresh rotation with replay protection', () => {
    const [agent] = loadClients([{ ...web, type: 'ai-agent' }]);
    expect(agent).toMatchObject({
      grantTypes: ['authorization_code', 'refresh_token'],
      pkce: 'S256_REQUIRED',
      accessTokenTtl: 300,
      refreshTokenReplayProtection: true,
      refreshTokenRollingGracePeriod: 0,
    });
  });

  it('a service uses client credentials; a client without redirect URIs no browser grant', () => {
    const { redirect_uris: _r, ...service } = { ...web, type: 'service' };
    expect(loadClients([service])[0]).toMatchObject({ grantTypes: ['client_credentials'], responseTypes: [] });
    const { redirect_uris: _u, ...headless } = web;
    expect(loadClients([headless])[0]).toMatchObject({ grantTypes: [], responseTypes: [] });
  });

  it('a disabled record, or a client with enabled false, resolves as disabled', () => {
    expect(loadClientRecord({ config: web, enabled: false }).enabled).toBe(false);
    expect(loadClientRecord({ config: { ...web, enabled: false }, enabled: true }).enabled).toBe(false);
    expect(loadClientRecord({ config: { ...web, client_secret: undefined } as never, secret: SECRET, enabled: true }).secret).toBe(SECRET);
  });
});

describe('contradictions and bad values: ERR_CLIENT_CONFIG with the pointer and the fix', () => {
  it.each([
    ['a public client with a secret', { ...web, token_endpoint_auth_method: 'none', type: 'spa' }, '/client_secret', /public client .* has no secret/],
    ['implicit with PKCE required', { ...web, response_types: ['id_token'], grant_types: ['implicit'] }, '/pkce', /implicit grant has no code for PKCE/],
    ['a response type its grants cannot serve', { ...web, response_types: ['code', 'id_token'] }, '/response_types/1', /needs the "implicit" grant/],
    ['a grant no response type uses', { ...web, grant_types: ['authorization_code', 'implicit'], pkce: 'OPTIONAL' }, '/grant_types/1', /no response type uses "implicit"/],
    ['an ai-agent with implicit', { ...web, type: 'ai-agent', response_types: ['id_token'], grant_types: ['implicit'] }, '/grant_types/0', /never uses the implicit grant/],
    ['an ai-agent without S256', { ...web, type: 'ai-agent', pkce: 'REQUIRED' }, '/pkce', /must use PKCE with S256/],
    ['client credentials for a public client', { ...web, token_endpoint_auth_method: 'none', client_secret: undefined, grant_types: ['authorization_code', 'client_credentials'] }, '/grant_types/1', /need an authenticating client/],
    ['a JWT refresh token', { ...web, grant_types: ['authorization_code', 'refresh_token'], refresh_token_format: 'jwt' }, '/refresh_token_format', /opaque refresh tokens only/],
    ['refresh settings without the refresh grant', { ...web, refresh_token_duration: 3600 }, '/refresh_token_duration', /add "refresh_token" to grant_types/],
    ['a rolling duration shorter than the duration', { ...web, grant_types: ['authorization_code', 'refresh_token'], refresh_token_duration: 7200, refresh_token_rolling_duration: 3600 }, '/refresh_token_rolling_duration', /at least the duration/],
    ['a grace period past the bound', { ...web, grant_types: ['authorization_code', 'refresh_token'], refresh_token_rolling_grace_period: 86401 }, '/refresh_token_rolling_grace_period', /86400/],
    ['a refresh duration past 1826 days', { ...web, grant_types: ['authorization_code', 'refresh_token'], refresh_token_duration: 1827 * 86400 }, '/refresh_token_duration', /1826 days/],
    ['an access token lifetime under a minute', { ...web, access_token_ttl: 30 }, '/access_token_ttl', /60 to 86400/],
    ['a redirect URI with a fragment', { ...web, redirect_uris: ['https://app.example.com/cb#x'] }, '/redirect_uris/0', /fragment/],
    ['a sign-off URL with a fragment', { ...web, post_logout_redirect_uris: ['https://app.example.com/#bye'] }, '/post_logout_redirect_uris/0', /fragment/],
    ['an http initiate_login_uri', { ...web, initiate_login_uri: 'http://app.example.com/login' }, '/initiate_login_uri', /https URL/],
    ['a target_link_uri that is no URL', { ...web, target_link_uri: 'home' }, '/target_link_uri', /https URL/],
    ['a required signed request object for a public client', { ...web, token_endpoint_auth_method: 'none', type: 'spa', client_secret: undefined, request_object_signature: 'require_signed' }, '/request_object_signature', /needs the client's key or secret/],
    ['a CORS wildcard in the domain name', { ...web, cors_origins: ['https://test*.com'] }, '/cors_origins/0', /sub-domain label/],
    ['two CORS wildcards', { ...web, cors_origins: ['https://*.app*.example.com'] }, '/cors_origins/0', /one wildcard/],
    ['CORS origins with another policy', { ...web, cors_policy: 'any_origin', cors_origins: ['https://a.example.com'] }, '/cors_policy', /specific_origins/],
    ['specific origins without origins', { ...web, cors_policy: 'specific_origins' }, '/cors_origins', /at least one origin/],
    ['a logo that is not an image', { ...web, logo: `data:image/png;base64,${Buffer.from('not a png').toString('base64')}` }, '/logo', /is not a PNG image/],
    ['a logo over 1 MB', { ...web, logo: `data:image/png;base64,${Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(1024 * 1024)]).toString('base64')}` }, '/logo', /at most 1 MB/],
    ['a logo of another type', { ...web, logo: 'data:image/svg+xml;base64,PHN2Zz4=' }, '/logo', /JPEG, GIF or PNG/],
    ['an unknown field', { ...web, colour: 'red' }, '/colour', /./],
    ['an unknown response type', { ...web, response_types: ['token code'] }, '/response_types/0', /./],
  ])('%s', (_name, config, pointer, message) => {
    const problems = problemsOf(config);
    expect(Object.keys(problems)).toContain(pointer);
    expect(problems[pointer]).toMatch(message);
    expect(() => loadClients([config])).toThrow(ClientConfigError);
  });

  it('accepts every field of the reference page together', () => {
    const [client] = loadClients([
      {
        ...web,
        name: 'Agent',
        description: 'A retail chatbot',
        logo: PNG,
        enabled: true,
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        pkce: 'S256_REQUIRED',
        token_endpoint_auth_method: 'client_secret_jwt',
        require_pushed_authorization_requests: true,
        par_reference_timeout: 30,
        redirect_uri_patterns: ['https://*.example.com/cb'],
        post_logout_redirect_uris: ['https://app.example.com/'],
        initiate_login_uri: 'https://app.example.com/login',
        target_link_uri: 'https://app.example.com/home',
        request_object_signature: 'require_signed',
        include_x5t: true,
        id_token_ttl: 600,
        access_token_ttl: 600,
        refresh_token_format: 'opaque',
        refresh_token_duration: 3600,
        refresh_token_rolling_duration: 86400,
        refresh_token_rolling_grace_period: 60,
        refresh_token_replay_protection: true,
        cors_origins: ['https://www.app*.example.com'],
        allowed_scopes: ['openid', 'offline_access'],
      },
    ]);
    expect(client!.logo?.contentType).toBe('image/png');
    expect(client!.corsPolicy).toBe('specific_origins');
  });
});

describe('CORS matching', () => {
  const [client] = loadClients([{ ...web, cors_origins: ['https://*.test.com', 'https://www.app*.test.com', 'http://127.0.0.1:4000'] }]);
  it.each([
    ['https://a.test.com', true],
    ['https://a.b.test.com', false],
    ['https://test.com', false],
    ['https://www.app1.test.com', true],
    ['https://www.other.test.com', false],
    ['http://a.test.com', false],
    ['http://127.0.0.1:4000', true],
    ['http://127.0.0.1:4001', false],
  ])('%s → %s', (origin, allowed) => {
    expect(corsOriginAllowed(client!, origin)).toBe(allowed);
  });
});
