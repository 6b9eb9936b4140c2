import { describe, it, expect } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { sessionCheck, sessionCreate } from '@waymark/nodes';
import { runNode, testClock } from '@waymark/testing';

const COOKIE = '__Host-waymark-session';

async function withSession(config: Record<string, unknown> = {}) {
  const clock = testClock();
  const stores = createMemoryStores(clock);
  const created = await runNode(sessionCreate, { clock, stores, config, state: { sub: 'alice' } });
  return { clock, stores, id: created.effects.cookies[0]!.value! };
}

describe('session.check', () => {
  it('is active for a live session and puts its subject into state', async () => {
    const { clock, stores, id } = await withSession();
    const r = await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } });
    expect(r.outcome).toBe('active');
    expect(r.state.sub).toBe('alice');
    expect(r.effects.session).toEqual({ id, sub: 'alice' });
  });

  it('touches the session so use extends its idle window', async () => {
    const { clock, stores, id } = await withSession({ idleSeconds: 600 });
    clock.advance(500_000);
    expect((await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } })).outcome).toBe('active');
    clock.advance(500_000); // 1000 s after creation, 500 s after the touch
    expect((await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } })).outcome).toBe('active');
  });

  it('is none once idle too long (injected clock)', async () => {
    const { clock, stores, id } = await withSession({ idleSeconds: 600 });
    clock.advance(601_000);
    const r = await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } });
    expect(r).toMatchObject({ outcome: 'none', reason: 'unknown_or_expired' });
    expect(r.state.sub).toBeUndefined();
  });

  it('is none past the max lifetime even when used all along', async () => {
    const { clock, stores, id } = await withSession({ idleSeconds: 600, maxSeconds: 1000 });
    for (let i = 0; i < 3; i++) {
      clock.advance(300_000);
      await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } });
    }
    clock.advance(200_000); // 1100 s after creation
    expect((await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: id } } })).outcome).toBe('none');
  });

  it('is none without a cookie', async () => {
    expect(await runNode(sessionCheck, {})).toMatchObject({ outcome: 'none', reason: 'no_cookie' });
  });

  it('is none for an unknown id and never looks up a malformed one', async () => {
    const { clock, stores } = await withSession();
    expect(await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: 'B'.repeat(43) } } })).toMatchObject({ outcome: 'none', reason: 'unknown_or_expired' });
    expect(await runNode(sessionCheck, { clock, stores, request: { cookies: { [COOKIE]: '../../etc' } } })).toMatchObject({ outcome: 'none', reason: 'malformed' });
  });

  it('reads the configured cookie name and writes the configured state key', async () => {
    const { clock, stores, id } = await withSession({ cookieName: 'sid' });
    const r = await runNode(sessionCheck, { clock, stores, config: { cookieName: 'sid', subTo: 'session_sub' }, request: { cookies: { sid: id } } });
    expect(r.state.session_sub).toBe('alice');
  });
});
