import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { cookiePersistentCheck, cookiePersistentSet } from '@waymark/nodes';
import { runNode, testClock, type TestClock } from '@waymark/testing';

const COOKIE = '__Host-waymark-remember';
const newKey = (kid: string) => ({ kid, secret: randomBytes(32).toString('base64url') });
const k1 = newKey('k1');
const k2 = newKey('k2');

const check = (clock: TestClock, cookie: string, config: Record<string, unknown> = {}, ip = '203.0.113.7') =>
  runNode(cookiePersistentCheck, { clock, config: { keys: [k1], ...config }, request: { ip, cookies: { [COOKIE]: cookie } } });

describe('cookie.persistent.set', () => {
  it('sets an HS256 JWT cookie with sub, iat, exp and lastUsed and safe attributes', async () => {
    const clock = testClock();
    const r = await runNode(cookiePersistentSet, { clock, config: { keys: [k1, k2] }, state: { sub: 'alice' } });
    expect(r.outcome).toBe('done');
    const cookie = r.effects.cookies[0]!;
    expect(cookie.name).toBe(COOKIE);
    expect(cookie.options).toEqual({ path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: 2592000 });
    const claims = decodeJwt(cookie.value!);
    const now = clock.now() / 1000;
    expect(claims).toMatchObject({ sub: 'alice', iat: now, exp: now + 2592000, lastUsed: now });
    expect(claims.iph).toBeUndefined();
  });

  it('signs with the first key', async () => {
    const cookie = await runNode(cookiePersistentSet, { config: { keys: [k2, k1] }, state: { sub: 'alice' } });
    expect(JSON.parse(Buffer.from(cookie.effects.cookies[0]!.value!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256', kid: 'k2' });
  });

  it('takes a key from services.secretSource by name', async () => {
    const clock = testClock();
    const services = { secretSource: { get: (name: string) => (name === 'remember-key' ? k1.secret : undefined) } };
    const set = await runNode(cookiePersistentSet, { clock, services, config: { keys: [{ kid: 'k1', secretName: 'remember-key' }] }, state: { sub: 'alice' } });
    expect((await check(clock, set.effects.cookies[0]!.value!)).outcome).toBe('valid');
    const missing = await runNode(cookiePersistentSet, { clock, config: { keys: [{ kid: 'k1', secretName: 'remember-key' }] }, state: { sub: 'alice' } });
    expect(missing.outcome).toBe('error');
    expect(String(missing.error)).not.toContain(k1.secret);
  });

  it('refuses keys shorter than 32 bytes at flow load', async () => {
    await expect(runNode(cookiePersistentSet, { config: { keys: [{ kid: 'short', secret: 'c2hvcnQ' }] }, state: { sub: 'a' } })).rejects.toMatchObject({
      code: 'ERR_FLOW_CONFIG',
      details: { type: 'cookie.persistent.set', problems: expect.arrayContaining([{ code: 'ERR_FLOW_CONFIG', pointer: '/keys/0/secret', message: expect.stringContaining('does not match ^[A-Za-z0-9_-]{43,}$') }]) },
    });
  });

  it('refuses a Domain with a __Host- cookie name at flow load', async () => {
    // The schema's if (a __Host- name) / then (no domain) is reported at the forbidden key, and only there.
    const refused = await runNode(cookiePersistentSet, { config: { keys: [k1], domain: 'example.com' }, state: { sub: 'a' } }).then(
      () => undefined,
      (error: unknown) => error as { code: string; details: { type: string; problems: { pointer: string }[] } },
    );
    expect(refused).toMatchObject({ code: 'ERR_FLOW_CONFIG', details: { type: 'cookie.persistent.set' } });
    expect([...new Set(refused!.details.problems.map((p) => p.pointer))]).toEqual(['/domain']);
    const named = await runNode(cookiePersistentSet, { config: { keys: [k1], domain: 'example.com', name: 'remember' }, state: { sub: 'a' } });
    expect(named.effects.cookies[0]!.options.domain).toBe('example.com');
  });

  it('fails without a subject in state', async () => {
    const r = await runNode(cookiePersistentSet, { config: { keys: [k1] } });
    expect(r.outcome).toBe('error');
    expect(r.effects.cookies).toEqual([]);
  });
});

