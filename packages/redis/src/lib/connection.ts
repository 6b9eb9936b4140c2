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
    if (!SENDABLE.has(this.client.status))
      throw new StoreUnavailableError(`redis ${store}`, new Error(`connection is ${this.client.status}`));
    this.#commands++;
    try {
      return await command();
    } catch (error) {
      throw toStoreError(store, error);
    }
  }
}
