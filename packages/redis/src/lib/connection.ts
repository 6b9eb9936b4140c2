import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from '@waymark/core';
import { toStoreError } from './errors.js';
import type { Script } from './scripts.js';

export type RedisClient = Redis | Cluster;
export type Arg = string | number;

/* ioredis client states in which a command cannot be sent. Checking them here makes the
 * stores fail fast even on a client configured with an offline queue. */
const DOWN = new Set(['close', 'reconnecting', 'end']);

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

  /** Runs a script on one key (EVALSHA, falling back to EVAL once if the server lost it). */
  async eval(store: string, script: Script, key: string, args: Arg[]): Promise<unknown> {
    return this.#run(store, async () => {
      try {
        return await this.client.evalsha(script.sha, 1, key, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        this.#commands++;
        return await this.client.eval(script.source, 1, key, ...args);
      }
    });
  }

  async del(store: string, key: string): Promise<void> {
    await this.#run(store, () => this.client.del(key));
  }

  async ping(): Promise<void> {
    await this.#run('health', () => this.client.ping());
  }

  async #run<T>(store: string, command: () => Promise<T>): Promise<T> {
    if (DOWN.has(this.client.status)) throw new StoreUnavailableError(`redis ${store}`, new Error(`connection is ${this.client.status}`));
    this.#commands++;
    try {
      return await command();
    } catch (error) {
      throw toStoreError(store, error);
    }
  }
}
