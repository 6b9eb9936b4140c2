import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MemoryClientStore } from '@waymark/core';
import { createRedisControlStores, type RedisClient } from '@waymark/redis';
import type { ClientStore, FlowStore, JsonObject } from '@waymark/sdk';
import { FileFlowStore } from './file-flow-store.js';

/**
 * Where a server's flows and clients live at run time.
 *
 * - Embedded (memory stores): flows in the flow files (`FileFlowStore`: a saved flow is written
 *   back as reviewable JSON), clients in memory, seeded from the config's clients at every
 *   start. Changes to clients through the admin API last until the process stops: the config
 *   file stays what a person committed, and a client secret is never written to a file.
 * - Redis: both in Redis (`createRedisControlStores`), shared by every process; the flow files
 *   and the config's clients seed it (see `seedClients` and `applyFlowFile`).
 */
export interface ControlPlane {
  flows: FlowStore;
  clients: ClientStore;
  /** One line for the start-up log. */
  description: string;
  close(): Promise<void>;
}

/** The folder a flow that has no file yet is written to: the config's first flows folder (or the folder of its first flow file). */
export function firstFlowsFolder(flows: readonly string[], baseDir: string): string {
  const first = flows[0];
  if (first === undefined) return baseDir;
  try {
    return statSync(first).isDirectory() ? first : dirname(first);
  } catch {
    return first;
  }
}

export function createControlPlane(
  config: { flows: readonly string[]; baseDir: string },
  redis?: { client: RedisClient; prefix: string },
): ControlPlane {
  if (redis) {
    const stores = createRedisControlStores({ redis: redis.client, prefix: redis.prefix });
    return {
      flows: stores.flows,
      clients: stores.clients,
      description: 'flows and clients: redis (shared by every process)',
      close: stores.close,
    };
  }
  const home = firstFlowsFolder(config.flows, config.baseDir);
  return {
    flows: new FileFlowStore(home),
    clients: new MemoryClientStore(),
    description: `flows: files (new flows in ${home}); clients: memory, from the config`,
    close: async () => undefined,
  };
}

/** Who wrote a client record that came from the config file (and may be replaced by the config at the next start). */
export const CONFIG_AUTHOR = 'config';

/**
 * Puts the config's clients into the client store: a client the store does not have is
 * created; one the config put there before (and no admin changed since) is replaced when the
 * config changed it; one an admin changed is left alone (the store wins). The secret goes
 * beside the configuration, never in it.
 */
export async function seedClients(store: ClientStore, clients: readonly unknown[], at: number): Promise<void> {
  for (const raw of clients) {
    const { client_secret: secret, ...config } = raw as JsonObject & { client_id: string; client_secret?: string };
    const record = {
      config: config as JsonObject,
      ...(typeof secret === 'string' ? { secret } : {}),
      enabled: true,
      updatedAt: at,
      updatedBy: CONFIG_AUTHOR,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get(config.client_id);
      if (
        current &&
        (current.updatedBy !== CONFIG_AUTHOR ||
          (isDeepStrictEqual(current.config, record.config) && current.secret === record.secret && current.enabled))
      )
        break;
      if ((await store.put(config.client_id, record, current?.revision ?? null)) !== false) break;
    }
  }
}
