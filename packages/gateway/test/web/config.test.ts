import { describe, it, expect } from '@jest/globals';
import { ConfigInvalidError } from '@waymark/core';
import {
  createWebRoute,
  validateWebRouteConfig,
  webRouteProblems,
  webRouteSchema,
  WEB_ROUTE_DEFAULTS,
  WEB_ROUTE_ERRORS,
  type SigningJwk,
} from '@waymark/gateway';

const minimal = () => ({
  upstream: 'http://127.0.0.1:8080',
  publicUrl: 'https://app.example.com',
  issuer: 'https://id.example.com/oidc',
  clientId: 'app-gw',
});
const signing = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'gw-1', alg: 'ES256' } as SigningJwk;
const keys = { session: ['k'.repeat(32)], signing };

describe('web route config', () => {
  it('fills in every default', () => {
    expect(validateWebRouteConfig(minimal())).toEqual({
      ...minimal(),
      path: '/',
      scope: 'openid',
      publicPaths: [],
      session: { maxAgeSeconds: WEB_ROUTE_DEFAULTS.sessionMaxAgeSeconds, loginTimeoutSeconds: 600 },
      identity: { header: 'x-waymark-identity', ttlSeconds: 30, claims: ['acr', 'amr', 'auth_time', 'email', 'name'] },
    });
  });

  it('is a draft 2020-12 schema with an $id, closed to unknown keys', () => {
    expect(webRouteSchema.$id).toMatch(/^https:\/\//);
    expect(webRouteSchema.additionalProperties).toBe(false);
    expect(webRouteSchema.required).toEqual(['upstream', 'publicUrl', 'issuer', 'clientId']);
  });

  it.each([
    ['/publicUrl', { ...minimal(), publicUrl: undefined }, 'ERR_CONFIG_INVALID', /"publicUrl" is missing/],
    ['/publicUrl', { ...minimal(), publicUrl: 'https://app.example.com/path' }, 'ERR_CONFIG_INVALID', /no path/],
    ['/path', { ...minimal(), path: '/app/' }, 'ERR_CONFIG_INVALID', /no trailing slash/],
    ['/scope', { ...minimal(), scope: 'profile' }, 'ERR_CONFIG_INVALID', /including "openid"/],
    ['/identity/ttlSeconds', { ...minimal(), identity: { ttlSeconds: 3600 } }, 'ERR_CONFIG_INVALID', /5 to 300/],
    ['/session/maxAgeSeconds', { ...minimal(), session: { maxAgeSeconds: 10 } }, 'ERR_CONFIG_INVALID', /60 to 604800/],
    ['/sessionCookie', { ...minimal(), sessionCookie: 'x' }, 'ERR_CONFIG_INVALID', /sessionCookie/],
    ['/issuer', { ...minimal(), issuer: 'http://id.example.com/oidc' }, WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG, /use https/],
    ['/publicUrl', { ...minimal(), publicUrl: 'http://app.example.com' }, WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG, /use https/],
    [
      '/session/cookieName',
      { ...minimal(), publicUrl: 'http://localhost:3000', session: { cookieName: '__Host-gw' } },
      WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG,
      /needs https/,
    ],
    [
      '/identity/header',
      { ...minimal(), identity: { header: 'Cookie' } },
      WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG,
      /pick a name of its own/,
    ],
    [
      '/identity/header',
      { ...minimal(), identity: { header: 'X-Forwarded-User' } },
      WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG,
      /pick a name of its own/,
    ],
    [
      '/publicPaths/0',
      { ...minimal(), path: '/app', publicPaths: ['/static/'] },
      WEB_ROUTE_ERRORS.ERR_GATEWAY_WEB_CONFIG,
      /outside the route's path/,
    ],
  ])('refuses a bad %s with a code and the fix', (pointer, config, code, message) => {
    const problems = webRouteProblems(JSON.parse(JSON.stringify(config)), '/gateway/routes/2');
    expect(problems).toContainEqual({ code, pointer: `/gateway/routes/2${pointer}`, message: expect.stringMatching(message) });
  });

  it('throws ERR_CONFIG_INVALID naming the pointer', () => {
    expect(() => validateWebRouteConfig({ ...minimal(), clientId: '' })).toThrow(ConfigInvalidError);
    expect(() => validateWebRouteConfig({ ...minimal(), clientId: '' })).toThrow(/\/clientId/);
  });

  it('accepts plain http on loopback (development) and a __Host- cookie over https', () => {
    expect(webRouteProblems({ ...minimal(), publicUrl: 'http://127.0.0.1:3000', issuer: 'http://localhost:4000/oidc' })).toEqual([]);
    expect(webRouteProblems({ ...minimal(), session: { cookieName: '__Host-gw' } })).toEqual([]);
  });
});

describe('createWebRoute dependencies', () => {
  it.each([
    ['keys.session', { ...keys, session: [] }],
    ['keys.session[0]', { ...keys, session: ['short'] }],
    ['keys.signing', { ...keys, signing: { ...signing, d: undefined } }],
    ['keys.signing', { ...keys, signing: { ...signing, kid: undefined } }],
    ['keys.clientSecret', { ...keys, clientSecret: '' }],
  ])('refuses a bad %s with ERR_GATEWAY_WEB_DEPS naming it', (option, badKeys) => {
    expect(() => createWebRoute(minimal(), { keys: badKeys as never })).toThrow(
      expect.objectContaining({ code: 'ERR_GATEWAY_WEB_DEPS', details: { option } }),
    );
  });

  it('refuses a bad config before anything starts', () => {
    expect(() => createWebRoute({ upstream: 'ftp://x' }, { keys })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('does not change the config it was given', () => {
    const config = minimal();
    createWebRoute(config, { keys });
    expect(config).toEqual(minimal());
  });
});
