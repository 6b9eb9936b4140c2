import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from '@waymark/core';
import { toStoreError } from './errors.js';
import type { Script } from './scripts.js';

export type RedisClient = Redis | Cluster;
export type Arg = string | number;

/* Only a ready client sends at once ('wait' is a lazy client that connects on its first
 * command). In every other state ioredis would queue the command (when the offline queue is on,
 * as it is by default) for as long as the outage lasts; refusing here makes the stores fail
 * fast whatever client options the caller chose. */
const SENDABLE = new Set(['ready', 'wait']);

/**
 * The stores' one way to talk to Redis: counts round trips, fails fast while disconnected and
 * maps connection failures to StoreUnavailableError.
 */
export class Connection {
  #commands = 0;
  constructor(
    readonly client: RedisClient,
    readonly prefix: string,
  ) {}

  /** Commands sent so far; each is one round trip. */
  get commands(): number {
    return this.#commands;
  }

  /**
   * Runs a script on one key (EVALSHA, falling back to EVAL once if the server lost it). One
   * promise chain, no async wrappers: this is on the path of every store call.
   */
  eval(store: string, script: Script, key: string, args: Arg[]): Promise<unknown> {
    return this.#run(store, () =>
      this.client.evalsha(script.sha, 1, key, ...args).catch((error: unknown) => {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        this.#commands++;
        return this.client.eval(script.source, 1, key, ...args);
      }),
    );
  }

  /** Runs a script on several keys of one slot (one hash tag), as `eval` does on one. */
  evalKeys(store: string, script: Script, keys: readonly string[], args: Arg[]): Promise<unknown> {
    return this.#run(store, () =>
      this.client.evalsha(script.sha, keys.length, ...keys, ...args).catch((error: unknown) => {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        this.#commands++;
        return this.client.eval(script.source, keys.length, ...keys, ...args);
      }),
    );
  }

  del(store: string, key: string): Promise<void> {
    return this.#run(store, () => this.client.del(key)).then(() => undefined);
  }

  ping(): Promise<void> {
    return this.#run('health', () => this.client.ping()).then(() => undefined);
  }

  /** Any other command, under the same rules (fail fast while disconnected, errors mapped, counted). */
  run<T>(store: string, command: () => Promise<T>): Promise<T> {
    return this.#run(store, command);
  }

  #run<T>(store: string, command: () => Promise<T>): Promise<T> {
    if (!SENDABLE.has(this.client.status))
      return Promise.reject(new StoreUnavailableError(`redis ${store}`, new Error(`connection is ${this.client.status}`)));
    this.#commands++;
    let sent: Promise<T>;
    try {
      sent = command();
    } catch (error) {
      return Promise.reject(toStoreError(store, error));
    }
    return sent.catch((error: unknown) => {
      throw toStoreError(store, error);
    });
  }
}
