import type { Clock } from '@waymark/sdk';

/**
 * A Map whose entries expire by an injected clock. Expired entries are dropped when read and
 * swept every `sweepEvery` writes, so a long-running single process does not grow forever.
 */
export class TtlMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #clock: Clock;
  #writes = 0;

  constructor(clock: Clock, private readonly sweepEvery = 1000) {
    this.#clock = clock;
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

  sweep(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
