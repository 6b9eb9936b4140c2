import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer, type RedisServer } from './redis-server.js';

/** A real Redis Sentinel on loopback that monitors one master under a name. */
export interface RedisSentinel {
  readonly port: number;
  readonly name: string;
  /** Stops the sentinel and removes its working directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server --sentinel` monitoring `master` as `name`; resolves once it names that master. */
export async function startRedisSentinel(master: RedisServer, name = 'mymaster'): Promise<RedisSentinel> {
  const port = await freePort();
  // A sentinel needs a writable config file of its own (it rewrites it).
  const dir = mkdtempSync(join(tmpdir(), 'waymark-sentinel-'));
  writeFileSync(join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\nsentinel monitor ${name} 127.0.0.1 ${master.port} 1\n`);
  const sentinel: ChildProcess = spawn(findRedisServer(), [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
  const dispose = async (): Promise<void> => {
    if (sentinel.exitCode === null && sentinel.signalCode === null)
      await new Promise((resolve) => (sentinel.once('exit', resolve), sentinel.kill('SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  try {
    for (let i = 0; ; i++) {
      const found = await probe.call('SENTINEL', 'get-master-addr-by-name', name).catch(() => null);
      if (Array.isArray(found) && found[1] === String(master.port)) break;
      if (i > 200) throw new Error('the sentinel did not come up within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await dispose();
    throw error;
  } finally {
    probe.disconnect();
  }
  return { port, name, dispose };
}
