import { describe, it, expect } from '@jest/globals';
import { safeReturnTo } from '../../src/web/return-to.js';

/* The return-to rule on its own (the end-to-end attack test drives it through a real login). */
const ORIGIN = 'https://gw.example';

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/orders?id=7', '/orders?id=7'],
    ['/a/./b/../c', '/a/c'],
  ])('keeps the same-origin path %j', (candidate, expected) => {
    expect(safeReturnTo(candidate, ORIGIN, '/', '/')).toBe(expected);
  });

  it.each([
    '//evil.example/',
    '///evil.example/',
    'https://evil.example/',
    'https:evil.example',
    'javascript:alert(1)',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'orders',
    '',
    `/${'a'.repeat(2048)}`,
  ])('refuses %j: lands on the fallback', (candidate) => {
    expect(safeReturnTo(candidate, ORIGIN, '/', '/home')).toBe('/home');
  });

  it('refuses a non-string', () => {
    expect(safeReturnTo(['/a', '/b'], ORIGIN, '/', '/home')).toBe('/home');
  });

  it('keeps a route under its path, dot segments resolved first', () => {
    expect(safeReturnTo('/app/orders', ORIGIN, '/app', '/app')).toBe('/app/orders');
    expect(safeReturnTo('/app', ORIGIN, '/app', '/app')).toBe('/app');
    expect(safeReturnTo('/application', ORIGIN, '/app', '/app')).toBe('/app');
    expect(safeReturnTo('/app/../admin', ORIGIN, '/app', '/app')).toBe('/app');
  });
});
