/**
 * Coalesces writes made in one event-loop turn into one Redis call: `add` queues an item and
 * resolves (or rejects) with the call that carries it. The first `add` of a turn schedules the
 * call for the end of the turn (setImmediate), so a busy server that records four audit events
 * per handoff, thirty handoffs at a time, sends one script instead of a hundred and twenty.
 * Items keep their order; a batch holds at most `max` items (more go in the next call, sent at
 * once). The items are the caller's (already serialised): nothing is copied or encoded again.
 */
export class Batch<T> {
  #items: T[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  constructor(
    private readonly send: (items: T[]) => Promise<unknown>,
    private readonly max = 256,
  ) {}

  add(item: T): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#items.push(item);
    if (this.#items.length >= this.max) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    return done;
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#items.length === 0) return;
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    let sent: Promise<unknown>;
    try {
      sent = this.send(items);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (error: unknown) => {
        for (const w of waiters) w.reject(error);
      },
    );
  }
}
