/*
 * What this engine sealed at the end of a push phase, in clear, for the same process to redeem
 * without decrypting. The usual handoff pushes and redeems on one process (always, with the
 * memory stores): opening the string it sealed a moment ago only gives back the text it sealed,
 * so that text is kept beside the exact sealed string, and `redeem` takes it when it is handed
 * that very string. Anything else (another process's string, a tampered one, one evicted here)
 * is opened with the keys as before: the result is the same either way, and so are the errors.
 *
 * Bounded: at most `max` entries (the oldest go first), each dropped once redeemed. Nothing is
 * kept that the process did not hold already (it sealed it), and the journey's lifetime is
 * still checked by `redeem` against its start, whichever way it was read.
 */

/** Entries kept at most: far above the handoffs in flight on one process (a PAR, then a browser a moment later). */
export const PARKED_JOURNEYS_MAX = 1024;

export class ParkedJourneys {
  readonly #entries = new Map<string, { sealed: string; text: string }>();
  readonly #max: number;

  constructor(max = PARKED_JOURNEYS_MAX) {
    this.#max = max;
  }

  /** Remembers the text sealed as `sealed` for the journey `id`. */
  keep(id: string, sealed: string, text: string): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, { sealed, text });
  }

  /** The text sealed as exactly `sealed` for journey `id` (and forgets it), or undefined. */
  take(id: string, sealed: string): string | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.sealed !== sealed) return undefined;
    this.#entries.delete(id);
    return entry.text;
  }

  get size(): number {
    return this.#entries.size;
  }
}
