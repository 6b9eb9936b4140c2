import type { Clock } from '@waymark/sdk';

/**
 * A Map whose entries expire by an injected clock. Expired entries are dropped when read,
 * swept every `sweepEvery` writes, and, when the map is registered with a `Sweeper`, on the
 * sweeper's timer: so expired entries go even while no traffic writes (an idle process).
 */
export class TtlMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #clock: Clock;
  #writes = 0;

  constructor(
    clock: Clock,
    private readonly sweepEvery = 1000,
    sweeper?: Sweeper,
  ) {
    this.#clock = clock;
    sweeper?.add(this);
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Remaining life in ms, or undefined when absent. */
  ttlMs(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const left = entry.expiresAt - this.#clock.now();
    return left > 0 ? left : undefined;
  }

  /** Replaces the value of a live entry, keeping its expiry; false (and nothing changed) when absent or expired. */
  replace(key: string, value: V): boolean {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= this.#clock.now()) return false;
    entry.value = value;
    return true;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: ttlMs === Infinity ? Infinity : this.#clock.now() + ttlMs });
    if (++this.#writes % this.sweepEvery === 0) this.sweep();
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Drops every expired entry; returns the soonest expiry (epoch ms) of what is left, Infinity when nothing expires. */
  sweep(): number {
    const now = this.#clock.now();
    let soonest = Infinity;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
      else if (entry.expiresAt < soonest) soonest = entry.expiresAt;
    }
    return soonest;
  }

  /** Entries held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }
}

/** How often a `Sweeper` sweeps by default: a minute bounds how long an expired entry outlives its TTL in an idle process. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * One timer that sweeps every `TtlMap` registered with it, so expired entries go while no
 * writes come. The timer is unref'd (it never keeps a process alive); the clock of each map,
 * not the timer, decides what is expired, so tests drive expiry with an injected clock and
 * the timer with fake timers. The timer holds the sweeper weakly and the sweeper holds its
 * maps weakly: stores dropped without `close()` are collected, and their timer stops itself.
 */
export class Sweeper {
  readonly #maps = new Set<WeakRef<{ sweep(): number }>>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(intervalMs: number = DEFAULT_SWEEP_INTERVAL_MS) {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError('the sweep interval must be a positive number of milliseconds');
    const self = new WeakRef(this);
    const timer = setInterval(() => {
      const sweeper = self.deref();
      if (sweeper) sweeper.sweep();
      else clearInterval(timer);
    }, intervalMs);
    timer.unref();
    this.#timer = timer;
  }

  add(map: { sweep(): number }): void {
    this.#maps.add(new WeakRef(map));
    // A map keeps its sweeper alive (the sweeper holds maps weakly).
    sweepers.set(map, this);
  }

  /** Sweeps every live map now. */
  sweep(): void {
    for (const ref of this.#maps) {
      const map = ref.deref();
      if (map) map.sweep();
      else this.#maps.delete(ref);
    }
  }

  /** Stops the timer; the maps still sweep every `sweepEvery` writes. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const sweepers = new WeakMap<object, Sweeper>();
