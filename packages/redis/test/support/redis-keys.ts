import type { Cluster, Redis } from 'ioredis';

/** Deletes every key under a prefix (test cleanup; SCAN, never KEYS in anything but tests). */
export async function deleteByPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = 'nodes' in client ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await client.del(key);
    } while (cursor !== '0');
  }
}

/** Every key under a prefix, sorted. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  return (await client.keys(`${prefix}*`)).sort();
}
