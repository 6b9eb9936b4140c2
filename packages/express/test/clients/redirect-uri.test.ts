import { describe, expect, it } from '@jest/globals';
import { compileRedirectUriPattern, loadClients, matchRedirectUri } from '@waymark/express';

const [web] = loadClients([
  {
    client_id: 'web',
    type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: 'x'.repeat(32),
    redirect_uris: ['https://app.example.com/callback'],
    redirect_uri_patterns: ['https://*.preview.example.com/callback', 'https://app.example.com/tenants/*/cb'],
    allowed_flows: ['login'],
  },
]);
const [native] = loadClients([
  { client_id: 'n', type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb', 'com.example.app:/cb'], allowed_flows: ['login'] },
]);

describe('matchRedirectUri', () => {
  it('matches registered URIs by exact string only', () => {
    expect(matchRedirectUri(web!, 'https://app.example.com/callback')).toBe(true);
    expect(matchRedirectUri(web!, 'https://app.example.com/callback/')).toBe(false);
    expect(matchRedirectUri(web!, 'https://APP.example.com/callback')).toBe(false);
    expect(matchRedirectUri(web!, 'https://app.example.com/callback?x=1')).toBe(false);
  });

  it('matches a host wildcard on exactly one label', () => {
    expect(matchRedirectUri(web!, 'https://pr-1.preview.example.com/callback')).toBe(true);
    expect(matchRedirectUri(web!, 'https://a.b.preview.example.com/callback')).toBe(false);
    expect(matchRedirectUri(web!, 'https://preview.example.com/callback')).toBe(false);
    expect(matchRedirectUri(web!, 'https://evil.com#.preview.example.com/callback')).toBe(false);
    expect(matchRedirectUri(web!, 'https://x.preview.example.com.evil.com/callback')).toBe(false);
    expect(matchRedirectUri(web!, 'https://user@x.preview.example.com/callback')).toBe(false);
  });

  it('matches a path wildcard within one segment, never across or through dot segments', () => {
    expect(matchRedirectUri(web!, 'https://app.example.com/tenants/acme/cb')).toBe(true);
    expect(matchRedirectUri(web!, 'https://app.example.com/tenants/a/b/cb')).toBe(false);
    expect(matchRedirectUri(web!, 'https://app.example.com/tenants/../cb')).toBe(false);
    expect(matchRedirectUri(web!, 'https://app.example.com/tenants/%2e%2e/cb')).toBe(false);
  });

  it('lets a native loopback redirect use any port (RFC 8252 §7.3), but not other clients or hosts', () => {
    expect(matchRedirectUri(native!, 'http://127.0.0.1:51234/cb')).toBe(true);
    expect(matchRedirectUri(native!, 'http://127.0.0.1:51234/other')).toBe(false);
    expect(matchRedirectUri(native!, 'http://localhost:51234/cb')).toBe(false);
    expect(matchRedirectUri(native!, 'com.example.app:/cb')).toBe(true);
  });
});

describe('compileRedirectUriPattern', () => {
  it('returns an anchored regular expression for a valid pattern and the fix for an invalid one', () => {
    const compiled = compileRedirectUriPattern('https://*.example.com/cb');
    expect(compiled).toBeInstanceOf(RegExp);
    expect((compiled as RegExp).test('https://a.example.com/cb/extra')).toBe(false);
    expect(compileRedirectUriPattern('https://*.*.example.com/cb')).toEqual(expect.stringContaining('left-most label'));
  });
});
