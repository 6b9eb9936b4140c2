import { describe, it, expect } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { sessionCreate } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';
import { STEP_UP_STATE } from '@waymark/sdk';

const COOKIE = '__Host-waymark-session';

function setup() {
  const clock = testClock();
  const stores = createMemoryStores(clock);
  return { clock, stores };
}

describe('session.create', () => {
  it('creates a session with a fresh id, stores it and sets a __Host- cookie', async () => {
    const { clock, stores } = setup();
    const r = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice', amr: ['pwd'] }, client: { clientId: 'web', redirectTargets: [], redirectUris: [] } });
    expect(r.outcome).toBe('created');
    const cookie = r.effects.cookies[0]!;
    expect(cookie.name).toBe(COOKIE);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.options).toEqual({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie.options.domain).toBeUndefined();
    expect(r.effects.session).toEqual({ id: cookie.value, sub: 'alice' });
    const stored = await stores.sessions.get(cookie.value!);
    expect(stored).toMatchObject({ sub: 'alice', idleSeconds: 1800, expiresAt: clock.now() + 28800_000, amr: ['pwd'], clientId: 'web' });
  });

  it('never reuses a session id the browser offered (no fixation)', async () => {
    const { clock, stores } = setup();
    const planted = 'A'.repeat(43);
    const r = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice' }, request: { cookies: { [COOKIE]: planted } } });
    expect(r.outcome).toBe('created');
    expect(r.effects.cookies[0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.effects.cookies[0]!.value).not.toBe(planted);
    expect(await stores.sessions.get(planted)).toBeUndefined();
  });

  it('is a conflict when a live session of a different subject exists, and leaves it alone', async () => {
    const { clock, stores } = setup();
    const first = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice' } });
    const aliceId = first.effects.cookies[0]!.value!;
    const r = await runNode(sessionCreate, { clock, stores, state: { sub: 'mallory' }, request: { cookies: { [COOKIE]: aliceId } } });
    expect(r).toMatchObject({ outcome: 'conflict', reason: 'other_subject' });
    expect(r.effects.cookies).toEqual([]);
    expect(r.effects.session).toBeUndefined();
    expect(await stores.sessions.get(aliceId)).toMatchObject({ sub: 'alice' });
  });

  it('rotates a live session of the same subject: new id, old id deleted', async () => {
    const { clock, stores } = setup();
    const first = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice' } });
    const oldId = first.effects.cookies[0]!.value!;
    const r = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice' }, request: { cookies: { [COOKIE]: oldId } } });
    expect(r.outcome).toBe('created');
    const newId = r.effects.cookies[0]!.value!;
    expect(newId).not.toBe(oldId);
    expect(await stores.sessions.get(oldId)).toBeUndefined();
    expect(await stores.sessions.get(newId)).toMatchObject({ sub: 'alice' });
  });

  it('expires by idle time and by max lifetime on the injected clock', async () => {
    const { clock, stores } = setup();
    const r = await runNode(sessionCreate, { clock, stores, config: { idleSeconds: 600, maxSeconds: 3600 }, state: { sub: 'alice' } });
    const id = r.effects.cookies[0]!.value!;
    clock.advance(599_000);
    expect(await stores.sessions.get(id)).toMatchObject({ sub: 'alice' });
    clock.advance(2_000);
    expect(await stores.sessions.get(id)).toBeUndefined();
  });

  it('takes acr and amr from config over state', async () => {
    const { clock, stores } = setup();
    const r = await runNode(sessionCreate, { clock, stores, config: { acr: 'urn:waymark:mfa', amr: ['pwd', 'otp'] }, state: { sub: 'a', acr: 'low', amr: 'pwd' } });
    expect(await stores.sessions.get(r.effects.cookies[0]!.value!)).toMatchObject({ acr: 'urn:waymark:mfa', amr: ['pwd', 'otp'] });
  });

  it('reads the subject from the configured state key and fails without one', async () => {
    const { clock, stores } = setup();
    const ok = await runNode(sessionCreate, { clock, stores, config: { subFrom: 'token_sub' }, state: { token_sub: 'bob' } });
    expect(ok.effects.session?.sub).toBe('bob');
    const none = await runNode(sessionCreate, { clock, stores, state: {} });
    expect(none.outcome).toBe('error');
    expect(none.effects.cookies).toEqual([]);
  });

  it('does not put the session id into journey state (state is traced)', async () => {
    const { clock, stores } = setup();
    const r = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice' } });
    expect(JSON.stringify(r.state)).not.toContain(r.effects.cookies[0]!.value!);
  });
});

describe('session.create in a step-up (state[STEP_UP_STATE]: the caller returns no cookie)', () => {
  async function liveSession(stores: ReturnType<typeof createMemoryStores>, clock: ReturnType<typeof testClock>, sub: string): Promise<string> {
    const first = await runNode(sessionCreate, { clock, stores, state: { sub, amr: ['pwd'], acr: 'pwd' } });
    return first.effects.cookies[0]!.value as string;
  }

  it('raises the live session in place: same id, new auth time, the step acr, the union of amr, same lifetimes, no cookie', async () => {
    const { clock, stores } = setup();
    const id = await liveSession(stores, clock, 'alice');
    const before = (await stores.sessions.get(id))!;
    clock.advance(600_000);
    const r = await runNode(sessionCreate, {
      clock,
      stores,
      config: { acr: 'urn:stepup', amr: ['otp', 'pwd'], maxSeconds: 31536000 },
      state: { sub: 'alice', [STEP_UP_STATE]: true },
      request: { cookies: { [COOKIE]: id } },
    });
    expect(r).toMatchObject({ outcome: 'created', reason: 'raised' });
    expect(r.effects.cookies).toEqual([]);
    expect(r.effects.session).toEqual({ id, sub: 'alice' });
    expect(await stores.sessions.get(id)).toEqual({ ...before, lastSeenAt: clock.now(), authTime: clock.now(), acr: 'urn:stepup', amr: ['pwd', 'otp'] });
  });

  it('creates nothing without a live session to raise, or for a session of another subject (conflict)', async () => {
    const { clock, stores } = setup();
    const written: unknown[] = [];
    const put = stores.sessions.put.bind(stores.sessions);
    const bob = await liveSession(stores, clock, 'bob');
    stores.sessions.put = async (session) => {
      written.push(session);
      return put(session);
    };
    const none = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice', [STEP_UP_STATE]: true } });
    expect(none).toMatchObject({ outcome: 'conflict', reason: 'step_up_without_session' });
    const unknown = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice', [STEP_UP_STATE]: true }, request: { cookies: { [COOKIE]: 'B'.repeat(43) } } });
    expect(unknown).toMatchObject({ outcome: 'conflict', reason: 'step_up_without_session' });
    const other = await runNode(sessionCreate, { clock, stores, state: { sub: 'alice', [STEP_UP_STATE]: true }, request: { cookies: { [COOKIE]: bob } } });
    expect(other).toMatchObject({ outcome: 'conflict', reason: 'other_subject' });
    expect(written).toEqual([]);
    expect(await stores.sessions.get(bob)).toMatchObject({ sub: 'bob' });
    expect([none, unknown, other].flatMap((r) => r.effects.cookies)).toEqual([]);
  });
});
