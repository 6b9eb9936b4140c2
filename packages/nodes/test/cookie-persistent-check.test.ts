import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { cookiePersistentCheck, cookiePersistentSet } from '@waymark/nodes';
import { runNode, testClock, type TestClock } from '@waymark/testing';
import { createMemoryStores } from '@waymark/core';

const COOKIE = '__Host-waymark-remember';
const newKey = (kid: string) => ({ kid, secret: randomBytes(32).toString('base64url') });
const k1 = newKey('k1');
const k2 = newKey('k2');
const DAY = 86_400_000;

async function issue(clock: TestClock, config: Record<string, unknown> = {}, ip = '203.0.113.7') {
  const r = await runNode(cookiePersistentSet, { clock, config: { keys: [k1], ...config }, state: { sub: 'alice' }, request: { ip } });
  expect(r.outcome).toBe('done');
  return r.effects.cookies[0]!.value!;
}

const check = (clock: TestClock, cookie: string, config: Record<string, unknown> = {}, ip = '203.0.113.7') =>
  runNode(cookiePersistentCheck, { clock, config: { keys: [k1], ...config }, request: { ip, cookies: { [COOKIE]: cookie } } });

describe('cookie.persistent.check', () => {
  it('is valid for a fresh cookie and puts sub into state without re-issuing it', async () => {
    const clock = testClock();
    const r = await check(clock, await issue(clock));
    expect(r.outcome).toBe('valid');
    expect(r.state.sub).toBe('alice');
    expect(r.effects.cookies).toEqual([]);
  });

  it('is missing without a cookie', async () => {
    const r = await runNode(cookiePersistentCheck, { config: { keys: [k1] } });
    expect(r).toMatchObject({ outcome: 'missing' });
  });

  it('is invalid (signature) for a tampered payload, and clears the cookie', async () => {
    const clock = testClock();
    const [h, , s] = (await issue(clock)).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', iat: 1, exp: 9e9, lastUsed: clock.now() / 1000 })).toString('base64url')}.${s}`;
    const r = await check(clock, forged);
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'signature' });
    expect(r.state.sub).toBeUndefined();
    expect(r.effects.cookies).toEqual([{ name: COOKIE, value: null, options: { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } }]);
  });

  it('is invalid (signature) for a cookie signed by a key we do not hold under a known kid', async () => {
    const clock = testClock();
    const r = await check(clock, await issue(clock, { keys: [{ kid: 'k1', secret: randomBytes(32).toString('base64url') }] }));
    expect(r).toMatchObject({ outcome: 'invalid', reason: 'signature' });
  });

  it('is invalid (signature) for an unsigned alg:none cookie', async () => {
    const clock = testClock();
    const now = clock.now() / 1000;
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', kid: 'k1', typ: 'waymark-pc+jwt' })}.${enc({ sub: 'admin', iat: now, exp: now + 100, lastUsed: now })}.`;
    expect(await check(clock, none)).toMatchObject({ outcome: 'invalid', reason: 'signature' });
  });

  it('is invalid (expired) after the max life', async () => {
    const clock = testClock();
    const cookie = await issue(clock, { maxLifeSeconds: 3600 });
    clock.advance(3601_000);
    expect(await check(clock, cookie, { idleSeconds: 7200 })).toMatchObject({ outcome: 'invalid', reason: 'expired' });
  });

  it('is invalid (idle) when unused longer than the idle lifetime', async () => {
    const clock = testClock();
    const cookie = await issue(clock);
    clock.advance(7 * DAY + 1000);
    expect(await check(clock, cookie)).toMatchObject({ outcome: 'invalid', reason: 'idle' });
  });

  it('re-issues a used cookie after the cool-off with a new lastUsed and the same exp', async () => {
    const clock = testClock();
    const cookie = await issue(clock);
    clock.advance(2 * 3600_000);
    const r = await check(clock, cookie);
    expect(r.outcome).toBe('valid');
    const fresh = r.effects.cookies[0]!;
    expect(fresh.name).toBe(COOKIE);
    const before = decodeJwt(cookie);
    const after = decodeJwt(fresh.value!);
    expect(after.lastUsed).toBe(clock.now() / 1000);
    expect(after.exp).toBe(before.exp);
    expect(after.iat).toBe(before.iat);
    expect(fresh.options.maxAge).toBe((before.exp as number) - clock.now() / 1000);
    // Use keeps it alive: six days later it would be idle from the original, not from the refresh.
    clock.advance(6 * DAY);
    expect((await check(clock, fresh.value!)).outcome).toBe('valid');
  });

  it('still verifies a cookie signed by a rotated (second) key and migrates it to the first', async () => {
    const clock = testClock();
    const old = await issue(clock); // signed by k1
    const r = await check(clock, old, { keys: [k2, k1] });
    expect(r.outcome).toBe('valid');
    expect(JSON.parse(Buffer.from(r.effects.cookies[0]!.value!.split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
  });

  it('is invalid (unknown_kid) once the key that signed it is removed', async () => {
    const clock = testClock();
    const old = await issue(clock);
    expect(await check(clock, old, { keys: [k2] })).toMatchObject({ outcome: 'invalid', reason: 'unknown_kid' });
  });

  it('is invalid (ip) when bound to another IP, valid from the same one (IPv4-mapped too)', async () => {
    const clock = testClock();
    const bound = await issue(clock, { bindIp: true }, '203.0.113.7');
    expect(await check(clock, bound, {}, '198.51.100.9')).toMatchObject({ outcome: 'invalid', reason: 'ip' });
    expect((await check(clock, bound, {}, '::ffff:203.0.113.7')).outcome).toBe('valid');
  });

  it('does not put the client IP in the cookie in clear', async () => {
    const clock = testClock();
    const bound = await issue(clock, { bindIp: true }, '203.0.113.7');
    expect(Buffer.from(bound.split('.')[1]!, 'base64url').toString()).not.toContain('203.0.113');
  });

  it('is invalid (malformed) for garbage and for an HS256 JWT of another type signed with the same key', async () => {
    const clock = testClock();
    expect(await check(clock, 'not-a-jwt')).toMatchObject({ outcome: 'invalid', reason: 'malformed' });
    const now = clock.now() / 1000;
    const other = await new SignJWT({ sub: 'alice', lastUsed: now })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 100)
      .sign(Buffer.from(k1.secret, 'base64url'));
    expect(await check(clock, other)).toMatchObject({ outcome: 'invalid', reason: 'malformed' });
  });

  it('keeps an invalid cookie when clearInvalid is off', async () => {
    const r = await check(testClock(), 'not-a-jwt', { clearInvalid: false });
    expect(r.outcome).toBe('invalid');
    expect(r.effects.cookies).toEqual([]);
  });
});

describe('cookie.persistent.check: issuer, audience and replay of a superseded cookie', () => {
  const HOUR = 3600_000;

  it('is invalid (issuer / audience) for a cookie of another issuer or audience under the same key, or one without them', async () => {
    const clock = testClock();
    expect(await check(clock, await issue(clock, { issuer: 'https://staging.example' }))).toMatchObject({ outcome: 'invalid', reason: 'issuer' });
    expect(await check(clock, await issue(clock, { audience: 'other-app' }))).toMatchObject({ outcome: 'invalid', reason: 'audience' });
    expect((await check(clock, await issue(clock, { issuer: 'https://login.example', audience: 'web' }), { issuer: 'https://login.example', audience: 'web' })).outcome).toBe('valid');
    // A cookie written before cookies carried iss and aud (same key, same type, every other claim).
    const now = clock.now() / 1000;
    const legacy = await new SignJWT({ sub: 'alice', lastUsed: now, jti: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'waymark-pc+jwt' })
      .setIssuedAt(now)
      .setExpirationTime(now + 100)
      .sign(Buffer.from(k1.secret, 'base64url'));
    expect(await check(clock, legacy)).toMatchObject({ outcome: 'invalid', reason: 'issuer' });
  });

  it('writes iss, aud and a fresh jti on every issue and re-issue', async () => {
    const clock = testClock();
    const first = await issue(clock);
    const second = await issue(clock);
    expect(decodeJwt(first)).toMatchObject({ iss: 'waymark', aud: 'waymark:remember-me', jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(decodeJwt(first).jti).not.toBe(decodeJwt(second).jti);
    clock.advance(2 * HOUR);
    const reissued = (await check(clock, first)).effects.cookies[0]!.value!;
    expect(decodeJwt(reissued)).toMatchObject({ iss: 'waymark', aud: 'waymark:remember-me', fam: decodeJwt(first).jti });
    expect(decodeJwt(reissued).jti).not.toBe(decodeJwt(first).jti);
  });

  it('refuses a superseded cookie once its successor was used, and revokes the whole family (replay detection)', async () => {
    const clock = testClock();
    const stores = createMemoryStores(clock);
    const run = (cookie: string) => runNode(cookiePersistentCheck, { clock, stores, config: { keys: [k1] }, request: { ip: '203.0.113.7', cookies: { [COOKIE]: cookie } } });
    const a = await issue(clock);
    clock.advance(2 * HOUR);
    const first = await run(a);
    expect(first.outcome).toBe('valid');
    const b = first.effects.cookies[0]!.value!;
    clock.advance(60_000);
    expect((await run(b)).outcome).toBe('valid'); // the browser has the new cookie
    // Someone presents the old one: two parties hold the cookie.
    const replay = await run(a);
    expect(replay).toMatchObject({ outcome: 'invalid', reason: 'replayed' });
    expect(replay.state.sub).toBeUndefined();
    expect(replay.effects.cookies).toEqual([{ name: COOKIE, value: null, options: { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } }]);
    expect(replay.logs).toEqual([expect.objectContaining({ level: 'warn', fields: { reason: 'replayed' } })]);
    // Nobody can tell the thief from the user: the current cookie of the family dies too.
    expect(await run(b)).toMatchObject({ outcome: 'invalid', reason: 'replayed' });
    // Another family (another sign-in) is untouched.
    expect((await run(await issue(clock))).outcome).toBe('valid');
  });

  it('keeps honouring a cookie whose re-issue never reached the browser, and re-issues it again', async () => {
    const clock = testClock();
    const stores = createMemoryStores(clock);
    const run = (cookie: string) => runNode(cookiePersistentCheck, { clock, stores, config: { keys: [k1] }, request: { ip: '203.0.113.7', cookies: { [COOKIE]: cookie } } });
    const a = await issue(clock);
    clock.advance(2 * HOUR);
    const lost = (await run(a)).effects.cookies[0]!.value!; // the journey failed later: never sent
    clock.advance(60_000);
    const again = await run(a);
    expect(again.outcome).toBe('valid');
    const c = again.effects.cookies[0]!.value!;
    expect(decodeJwt(c).jti).not.toBe(decodeJwt(lost).jti);
    expect((await run(c)).outcome).toBe('valid');
    expect(await run(a)).toMatchObject({ outcome: 'invalid', reason: 'replayed' });
  });
});
