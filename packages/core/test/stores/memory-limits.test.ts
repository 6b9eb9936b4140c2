import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createMemoryStores, MEMORY_STORE_DEFAULTS, StoreFullError } from '@waymark/core';
import { testClock as manualClock } from '@waymark/testing';

/*
 * What keeps one process's memory bounded: expired entries swept on a timer (so an idle process
 * lets them go), and a cap on live journeys that refuses a new one instead of dropping a live one.
 * The injected clock decides what is expired; fake timers only fire the sweep timer.
 */

const MINUTE = 60_000;

describe('memory stores — the sweep timer', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('drops expired journeys on its timer, with no read and no write, as the injected clock says', async () => {
    jest.useFakeTimers();
    const clock = manualClock();
    const stores = createMemoryStores(clock, { sweepIntervalMs: 5_000 });
    for (let i = 0; i < 5; i++) await stores.journeys.put(`j${i}`, 'sealed', null, 60);
    await stores.journeys.put('long', 'sealed', null, 600);
    jest.advanceTimersByTime(5_000);
    expect(stores.journeys.size).toBe(6); // nothing expired yet: the timer drops nothing live
    clock.advance(61_000);
    expect(stores.journeys.size).toBe(6); // expired, but nothing has swept them
    jest.advanceTimersByTime(5_000);
    expect(stores.journeys.size).toBe(1);
    expect(await stores.journeys.get('long')).toEqual({ value: 'sealed', revision: 1 });
    stores.close();
  });

  it('stops sweeping on close(); close is not one of the six stores', async () => {
    jest.useFakeTimers();
    const clock = manualClock();
    const stores = createMemoryStores(clock, { sweepIntervalMs: 1_000 });
    expect(Object.keys(stores).sort()).toEqual(['counters', 'journeys', 'kv', 'pushedRequests', 'sessions', 'transactions']);
    await stores.journeys.put('j', 'sealed', null, 1);
    stores.close();
    clock.advance(2_000);
    jest.advanceTimersByTime(10_000);
    expect(stores.journeys.size).toBe(1);
    expect(await stores.journeys.get('j')).toBeUndefined(); // a read still judges expiry
  });

  it("sweeps every minute by default, on an unref'd timer", () => {
    expect(MEMORY_STORE_DEFAULTS.sweepIntervalMs).toBe(MINUTE);
    const spy = jest.spyOn(globalThis, 'setInterval');
    const stores = createMemoryStores(manualClock());
    const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(spy.mock.calls.at(-1)?.[1]).toBe(MINUTE);
    expect(timer.hasRef()).toBe(false);
    stores.close();
    spy.mockRestore();
  });
});

describe('memory stores — the live-journey cap', () => {
  it('refuses a new journey past maxJourneys with ERR_STORE_FULL and a Retry-After, and drops no live journey', async () => {
    const clock = manualClock();
    const stores = createMemoryStores(clock, { maxJourneys: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await stores.journeys.put(`j${i}`, `v${i}`, null, 60)).toBe(1);
      clock.advance(10_000);
    }
    const refused = await stores.journeys.put('j3', 'v3', null, 60).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreFullError);
    // j0 expires 30 s from now: the soonest room.
    expect(refused).toMatchObject({ code: 'ERR_STORE_FULL', details: { store: 'journeys', limit: 3, retryAfterSeconds: 30 } });
    for (let i = 0; i < 3; i++) expect(await stores.journeys.get(`j${i}`)).toEqual({ value: `v${i}`, revision: 1 });
    // Live journeys go on at the cap: compare-and-set updates are never refused.
    expect(await stores.journeys.put('j1', 'v1b', 1, 60)).toBe(2);
    // A journey that finishes frees its room.
    await stores.journeys.delete('j2');
    expect(await stores.journeys.put('j3', 'v3', null, 60)).toBe(1);
    stores.close();
  });

  it('makes room from expired journeys at the cap, without waiting for the timer', async () => {
    const clock = manualClock();
    const stores = createMemoryStores(clock, { maxJourneys: 2 });
    await stores.journeys.put('a', 'v', null, 30);
    await stores.journeys.put('b', 'v', null, 300);
    await expect(stores.journeys.put('c', 'v', null, 60)).rejects.toMatchObject({ code: 'ERR_STORE_FULL' });
    clock.advance(31_000);
    expect(await stores.journeys.put('c', 'v', null, 60)).toBe(1);
    expect(await stores.journeys.get('b')).toEqual({ value: 'v', revision: 1 });
    stores.close();
  });

  it('caps at 20,000 by default; Infinity lifts the cap; a bad value fails at once', async () => {
    expect(MEMORY_STORE_DEFAULTS.maxJourneys).toBe(20_000);
    const open = createMemoryStores(manualClock(), { maxJourneys: Infinity });
    for (let i = 0; i < 20_001; i++) await open.journeys.put(`j${i}`, 'v', null, 60);
    expect(open.journeys.size).toBe(20_001);
    open.close();
    const capped = createMemoryStores(manualClock());
    for (let i = 0; i < 20_000; i++) await capped.journeys.put(`j${i}`, 'v', null, 60);
    await expect(capped.journeys.put('one-more', 'v', null, 60)).rejects.toMatchObject({ code: 'ERR_STORE_FULL' });
    capped.close();
    expect(() => createMemoryStores(manualClock(), { maxJourneys: 0 })).toThrow(/maxJourneys/);
  });
});
