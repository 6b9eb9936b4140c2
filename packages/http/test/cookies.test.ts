import { describe, expect, it } from '@jest/globals';
import { effectiveCookieOptions, parseCookieHeader, serializeCookie } from '@waymark/http';

describe('parseCookieHeader', () => {
  it('reads name=value pairs, the first of a name winning, quotes removed, malformed pairs skipped', () => {
    expect(parseCookieHeader('a=1; __Host-s=abc; a=2; "q"=x; b="quoted"; bad; c=has space')).toEqual({
      a: '1',
      '__Host-s': 'abc',
      b: 'quoted',
    });
    expect(parseCookieHeader(undefined)).toEqual({});
  });

  it('has no prototype, so a cookie named __proto__ is just a cookie', () => {
    const cookies = parseCookieHeader('__proto__=x');
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(cookies['__proto__']).toBe('x');
  });
});

describe('effectiveCookieOptions', () => {
  it('defaults to HttpOnly, Secure, SameSite=Lax, Path=/', () => {
    expect(effectiveCookieOptions('c', {})).toEqual({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
  });

  it('forces the __Host- rules (RFC 6265bis §4.1.3.2) and Secure for __Secure- and SameSite=None', () => {
    expect(effectiveCookieOptions('__Host-c', { secure: false, path: '/x', domain: 'example.com' })).toEqual({
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
    });
    expect(effectiveCookieOptions('__Secure-c', { secure: false }).secure).toBe(true);
    expect(effectiveCookieOptions('c', { secure: false, sameSite: 'None' }).secure).toBe(true);
  });
});

describe('serializeCookie', () => {
  it('writes a set and a clear', () => {
    expect(serializeCookie({ name: '__Host-waymark-session', value: 'abc', options: { maxAge: 60.7 } })).toBe(
      '__Host-waymark-session=abc; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax',
    );
    expect(serializeCookie({ name: 'c', value: null, options: { domain: 'example.com' } })).toBe(
      'c=; Domain=example.com; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('refuses a name or value that cannot be sent as-is', () => {
    expect(() => serializeCookie({ name: 'a b', value: 'x', options: {} })).toThrow(TypeError);
    expect(() => serializeCookie({ name: 'a', value: 'x;y', options: {} })).toThrow(TypeError);
  });
});
