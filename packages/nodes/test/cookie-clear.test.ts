import { describe, it, expect } from '@jest/globals';
import { NodeRegistry, validateFlow } from '@waymark/core';
import { builtinNodes, cookieClear } from '@waymark/nodes';
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

describe('cookie attribute rules at flow load (shared by cookie.clear and cookie.persistent.*)', () => {
  function problemsOf(config: Record<string, unknown>): { pointer: string; message: string }[] {
    const registry = new NodeRegistry();
    registry.registerAll(builtinNodes, 'inline');
    const flow = { id: 'c', version: 1, description: 'clears a cookie', start: 'clear', nodes: { clear: { type: 'cookie.clear', config, outcomes: { done: 'success' } } } };
    const result = validateFlow(flow, registry);
    return result.ok ? [] : result.problems.map(({ pointer, message }) => ({ pointer, message }));
  }

  it('says that a __Host- cookie may not have a Domain, at the domain key, once', () => {
    const problems = problemsOf({ name: '__Host-remember', domain: 'example.com' });
    expect(problems).toEqual([{ pointer: '/nodes/clear/config/domain', message: expect.stringContaining('"domain" is not allowed here') }]);
    expect(problems[0]?.message).toContain('__Host-');
    expect(problems[0]?.message).toContain('pick a name without the __Host- prefix');
    expect(JSON.stringify(problems)).not.toMatch(/must NOT be valid|"then" schema|got an object/);
  });

  it('says why a __Host- cookie must be Secure with Path=/', () => {
    const problems = problemsOf({ name: '__Host-remember', secure: false, path: '/app' });
    expect(problems).toEqual([
      { pointer: '/nodes/clear/config/secure', message: expect.stringContaining('must be Secure') },
      { pointer: '/nodes/clear/config/path', message: expect.stringContaining('must have Path=/') },
    ]);
  });

  it('accepts the article\'s persist-session cookie with a Domain', () => {
    expect(problemsOf({ name: 'persist-session', domain: 'openam-darinder-test.forgerock.io' })).toEqual([]);
  });
});
