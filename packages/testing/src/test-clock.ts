import type { Clock } from '@waymark/sdk';

/** A clock that only moves when told (the manual clock): inject it as `clock` and move time with `advance`. */
export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/**
 * A manual clock starting at `start` (default 2026-01-01T00:00:00Z): `now()` answers the same
 * until `set(ms)` or `advance(ms)` moves it. Tests never sleep on time; they move this clock.
 *
 * @example
 * const clock = testClock();
 * const stores = createMemoryStores(clock);
 * clock.advance(60_000); // a minute later, for every expiry
 */
export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
