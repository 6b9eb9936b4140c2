import { createMemoryStores } from '@waymark/core';
import type { Clock, Stores } from '@waymark/sdk';
import { configError, type ResolvedServerConfig } from './config.js';

/** The stores a server runs on, how to describe them at start-up, and how to let them go. */
export interface ServerStores {
  stores: Stores;
  /** One line for the start-up log: `memory (single process)`. */
  description: string;
  close(): Promise<void>;
}

/**
 * Builds the stores a configuration asks for. The extension point for shared stores: today
 * only memory (the embedded default: one process, nothing else to run). A `redis` key is
 * reserved for `@waymark/redis` (it will connect here and describe itself as
 * `redis (<nodes>)`); until it is wired in, it is refused so that nobody believes several
 * processes share journeys when they do not.
 *
 * @example
 * const { stores, description } = await createStoresFromConfig(config);
 */
export async function createStoresFromConfig(config: Pick<ResolvedServerConfig, 'redis'>, clock?: Clock): Promise<ServerStores> {
  if (config.redis !== undefined) throw configError('redis', 'Redis stores are not wired into "waymark serve" yet; remove the key to run on memory stores (one process)');
  return { stores: createMemoryStores(clock), description: 'memory (single process)', close: async () => undefined };
}
