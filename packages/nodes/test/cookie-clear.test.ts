import { describe, it, expect } from '@jest/globals';
import { cookieClear } from '@waymark/nodes';
import { runNode } from '@waymark/testing';

const COOKIE = '__Host-waymark-remember';

describe('cookie.clear', () => {
  it('expires the remember-me cookie by default', async () => {
    const r = await runNode(cookieClear, {});
    expect(r.outcome).toBe('done');
    expect(r.effects.cookies).toEqual([{ name: COOKIE, value: null, options: { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } }]);
  });

  it('expires a named cookie with its domain and path', async () => {
    const r = await runNode(cookieClear, { config: { name: 'remember', domain: 'example.com', path: '/app' } });
    expect(r.effects.cookies[0]).toMatchObject({ name: 'remember', value: null, options: { domain: 'example.com', path: '/app' } });
  });
});
