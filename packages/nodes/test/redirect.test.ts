import { describe, it, expect } from '@jest/globals';
import { redirect } from '@waymark/nodes';
import { runNode } from '@waymark/testing';

const client = { clientId: 'session-transfer', redirectUris: [], redirectTargets: ['https://good.example/app', 'https://docs.example/'] };
const go = (target: string | undefined, config: Record<string, unknown> = {}) =>
  runNode(redirect, { config, client, par: { clientId: 'session-transfer', ip: '203.0.113.7', params: target === undefined ? {} : { target } } });

describe('redirect', () => {
  it('redirects to an allowed target and sets the redirect effect', async () => {
    const r = await go('https://good.example/app/profile?tab=1');
    expect(r.outcome).toBe('redirected');
    expect(r.effects.redirect).toBe('https://good.example/app/profile?tab=1');
  });

  it('allows the exact allowlisted path', async () => {
    expect((await go('https://good.example/app')).outcome).toBe('redirected');
  });

  it('allows any path under an allowlisted origin ending in a slash', async () => {
    expect((await go('https://docs.example/any/where')).outcome).toBe('redirected');
  });

  it('reads the target from state or a fixed value', async () => {
    const fromState = await runNode(redirect, { config: { from: { state: 'next' } }, client, state: { next: 'https://good.example/app/x' } });
    expect(fromState.effects.redirect).toBe('https://good.example/app/x');
    const fixed = await runNode(redirect, { config: { from: { value: 'https://good.example/app' } }, client });
    expect(fixed.outcome).toBe('redirected');
  });

  it('allows config targets on top of the client allowlist', async () => {
    const r = await runNode(redirect, { config: { from: { value: 'https://extra.example/p/q' }, targets: ['https://extra.example/p'] } });
    expect(r.outcome).toBe('redirected');
  });

  it('ignores a front-channel target (only pushed parameters count)', async () => {
    const r = await runNode(redirect, { client, params: { target: 'https://good.example/app' } });
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'missing' });
    expect(r.effects.redirect).toBeUndefined();
  });

  const attacks: [string, string, string][] = [
    ['foreign host', 'https://evil.example/app', 'not_allowed'],
    ['scheme-relative URL', '//evil.example/app', 'scheme_relative'],
    ['userinfo trick', 'https://good.example@evil.example/app', 'userinfo'],
    ['empty userinfo', 'https://@good.example/app', 'userinfo'],
    ['userinfo on the good host', 'https://user:pw@good.example/app', 'userinfo'],
    ['suffix domain', 'https://good.example.evil.com/app', 'not_allowed'],
    ['backslash host confusion', 'https://good.example\\@evil.example/app', 'backslash'],
    ['backslash in path', 'https://good.example/app\\..\\admin', 'backslash'],
    ['encoded slash', 'https://good.example/app%2f..%2fadmin', 'encoded_separator'],
    ['encoded backslash', 'https://good.example/app%5C..', 'encoded_separator'],
    ['encoded dot-dot', 'https://good.example/app/%2e%2e/admin', 'encoded_separator'],
    ['dot-dot escaping the prefix', 'https://good.example/app/../admin', 'not_allowed'],
    ['javascript: URL', 'javascript:alert(document.domain)//https://good.example/app', 'scheme'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>', 'scheme'],
    ['http downgrade', 'http://good.example/app', 'insecure'],
    ['other port', 'https://good.example:8443/app', 'not_allowed'],
    ['fragment', 'https://good.example/app#access_token=x', 'fragment'],
    ['empty fragment', 'https://good.example/app#', 'fragment'],
    ['path-prefix confusion', 'https://good.example/apple', 'not_allowed'],
    ['control characters', 'https://good.example/app\r\nSet-Cookie: x=1', 'control_chars'],
    ['tab in the host', 'https://good.exa\tmple/app', 'control_chars'],
    ['relative path', 'app/profile', 'malformed'],
  ];
  for (const [name, target, reason] of attacks) {
    it(`rejects ${name}`, async () => {
      const r = await go(target);
      expect(r).toMatchObject({ outcome: 'rejected', reason });
      expect(r.effects.redirect).toBeUndefined();
    });
  }

  it('rejects a missing target', async () => {
    expect(await go(undefined)).toMatchObject({ outcome: 'rejected', reason: 'missing' });
  });

  it('rejects an over-long target', async () => {
    expect(await go(`https://good.example/app/${'a'.repeat(3000)}`)).toMatchObject({ outcome: 'rejected', reason: 'too_long' });
  });

  it('allows http only to loopback and only when allowLoopbackHttp is set', async () => {
    const local = { clientId: 'c', redirectUris: [], redirectTargets: ['http://localhost:3000/app', 'http://dev.example/app'] };
    const run = (target: string, allowLoopbackHttp: boolean) =>
      runNode(redirect, { config: { from: { value: target }, allowLoopbackHttp }, client: local });
    expect((await run('http://localhost:3000/app', true)).outcome).toBe('redirected');
    expect(await run('http://localhost:3000/app', false)).toMatchObject({ outcome: 'rejected', reason: 'insecure' });
    expect(await run('http://dev.example/app', true)).toMatchObject({ outcome: 'rejected', reason: 'insecure' });
  });

  it('rejects everything when there is no allowlist', async () => {
    const r = await runNode(redirect, { config: { from: { value: 'https://good.example/app' } } });
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'not_allowed' });
  });
});
