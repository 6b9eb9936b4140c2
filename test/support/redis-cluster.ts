import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './redis-server.js';

const CLUSTER_ARGS = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'];

/** A real Redis Cluster on loopback: `size` masters, the 16384 slots split evenly between them. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** Stops every node and removes their working directories. */
  dispose(): Promise<void>;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 400) throw new Error(`${what} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts `size` cluster-enabled redis-servers, gives each an equal share of the slots, joins
 * them (CLUSTER MEET) and resolves once every node reports cluster_state:ok and knows every
 * node. One node owning all slots is `startRedisCluster(1)`.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const nodes = await Promise.all(Array.from({ length: size }, () => startRedisServer({ args: CLUSTER_ARGS })));
  const admins = nodes.map((node) => new Redis(node.url));
  try {
    const share = Math.ceil(16384 / size);
    await Promise.all(
      admins.map((admin, i) => admin.call('CLUSTER', 'ADDSLOTSRANGE', String(i * share), String(Math.min(16383, (i + 1) * share - 1)))),
    );
    for (const node of nodes.slice(1)) await admins[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(node.port));
    for (const admin of admins) {
      await until('the cluster did not reach cluster_state:ok', async () =>
        String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
      );
      await until(
        'the nodes did not all meet',
        async () =>
          String(await admin.call('CLUSTER', 'NODES'))
            .trim()
            .split('\n').length === size,
      );
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.dispose()));
    throw error;
  } finally {
    for (const admin of admins) admin.disconnect();
  }
  return {
    nodes,
    async dispose() {
      await Promise.all(nodes.map((node) => node.dispose()));
    },
  };
}
