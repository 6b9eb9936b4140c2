import { Cluster } from 'ioredis';
import type { ClusterNode, Redis, RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '@waymark/core';
import { connectRedis, createRedisStores, DEFAULT_PREFIX, REDIS_DEFAULTS, type RedisClient, type RedisStores } from '@waymark/redis';
import { WaymarkError, type Clock } from '@waymark/sdk';
import { configError } from './config.js';

/**
 * The `redis` setting of `waymark serve`, one of:
 *
 * - `"redis://user:pass@host:6379/0"` or `{ "url": "...", "prefix": "waymark:" }` (rediss:// for TLS)
 * - `{ "cluster": ["redis://10.0.0.1:6379", { "host": "10.0.0.2", "port": 6379 }], "password": "...", "prefix": "waymark:" }`
 * - `{ "sentinels": ["10.0.0.1:26379", { "host": "10.0.0.2", "port": 26379 }], "name": "mymaster", "password": "...", "sentinelPassword": "...", "db": 0 }`
 *
 * Absent from the file, `WAYMARK_REDIS_URL` (a URL) is used; absent from both, the server runs
 * on memory stores (one process).
 */
export type RedisSetting =
  | { kind: 'url'; url: string; prefix: string; source: string }
  | { kind: 'cluster'; nodes: ClusterNode[]; options: RedisOptions; prefix: string; source: string }
  | { kind: 'sentinel'; options: RedisOptions; prefix: string; source: string };

const SHAPES = {
  url: ['url', 'prefix'],
  cluster: ['cluster', 'prefix', 'username', 'password'],
  sentinels: ['sentinels', 'name', 'prefix', 'username', 'password', 'sentinelPassword', 'db'],
} as const;

const EXAMPLE =
  '{ "url": "redis://127.0.0.1:6379", "prefix": "waymark:" }, { "cluster": ["redis://host:6379", ...] } or { "sentinels": ["host:26379", ...], "name": "mymaster" }';

/** A URL with its username, password and query removed: safe for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

function hostPort(key: string, entry: unknown, defaultPort: number): { host: string; port: number } {
  if (typeof entry === 'string') {
    const url = /^[a-z]+:\/\//i.test(entry) ? entry : `redis://${entry}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw configError(key, `"${redactRedisUrl(url)}" is not host:port or a redis:// URL`);
    }
    if (parsed.username || parsed.password) throw configError(key, 'must not hold credentials; put the password in "password"');
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? defaultPort : Number(parsed.port) };
  }
  const o = entry as { host?: unknown; port?: unknown } | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.host !== 'string' ||
    o.host === '' ||
    (o.port !== undefined && !(Number.isInteger(o.port) && (o.port as number) > 0))
  )
    throw configError(key, 'each entry is "host:port", a redis:// URL, or { "host": "...", "port": 6379 }');
  return { host: o.host, port: (o.port as number | undefined) ?? defaultPort };
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw configError(`redis.${key}`, 'must be a non-empty string');
  return value;
}

function checkUrl(url: string, key: string): string {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw configError(key, `"${redactRedisUrl(url)}" is not a Redis URL; use redis://host:port/db (rediss:// for TLS)`);
  return url;
}

/**
 * Reads the `redis` setting (or `WAYMARK_REDIS_URL`), validating its shape; undefined when
 * neither is set. Bad input throws ERR_CONFIG_INVALID naming the key and the fix.
 */
export function parseRedisSetting(raw: unknown, env: Readonly<Record<string, string | undefined>>): RedisSetting | undefined {
  if (raw === undefined) {
    const url = env.WAYMARK_REDIS_URL?.trim();
    if (!url) return undefined;
    return { kind: 'url', url: checkUrl(url, 'WAYMARK_REDIS_URL'), prefix: DEFAULT_PREFIX, source: 'WAYMARK_REDIS_URL' };
  }
  const source = 'the "redis" setting';
  if (typeof raw === 'string') return { kind: 'url', url: checkUrl(raw, 'redis'), prefix: DEFAULT_PREFIX, source };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw configError('redis', `must be a Redis URL or an object: ${EXAMPLE}`);
  const o = raw as Record<string, unknown>;
  const kinds = (['url', 'cluster', 'sentinels'] as const).filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) throw configError('redis', `give exactly one of "url", "cluster" or "sentinels": ${EXAMPLE}`);
  const kind = kinds[0]!;
  for (const key of Object.keys(o))
    if (!(SHAPES[kind] as readonly string[]).includes(key))
      throw configError(
        `redis.${key}`,
        `is not a setting of a Redis ${kind === 'sentinels' ? 'sentinel' : kind} configuration; use ${SHAPES[kind].join(', ')}`,
      );
  const prefix = optionalString(o, 'prefix') ?? DEFAULT_PREFIX;
  if (/[{}]/.test(prefix)) throw configError('redis.prefix', 'must not contain { or } (they are Redis Cluster hash tags)');
  const auth = { username: optionalString(o, 'username'), password: optionalString(o, 'password') };
  const credentials: RedisOptions = Object.fromEntries(Object.entries(auth).filter(([, v]) => v !== undefined));

  if (kind === 'url') {
    if (typeof o.url !== 'string') throw configError('redis.url', 'must be a URL such as "redis://127.0.0.1:6379"');
    return { kind, url: checkUrl(o.url, 'redis.url'), prefix, source };
  }
  if (kind === 'cluster') {
    if (!Array.isArray(o.cluster) || o.cluster.length === 0)
      throw configError('redis.cluster', 'must list at least one node: ["redis://10.0.0.1:6379", ...]');
    const nodes = o.cluster.map((entry, i) => hostPort(`redis.cluster[${i}]`, entry, 6379));
    return { kind, nodes, options: credentials, prefix, source };
  }
  if (!Array.isArray(o.sentinels) || o.sentinels.length === 0)
    throw configError('redis.sentinels', 'must list at least one sentinel: ["10.0.0.1:26379", ...]');
  if (typeof o.name !== 'string' || o.name === '')
    throw configError('redis.name', 'is required with "sentinels": the master name the sentinels monitor, such as "mymaster"');
  const db = o.db ?? 0;
  if (!Number.isInteger(db) || (db as number) < 0) throw configError('redis.db', 'must be a database number (0, 1, …)');
  const sentinelPassword = optionalString(o, 'sentinelPassword');
  const sentinels = o.sentinels.map((entry, i) => hostPort(`redis.sentinels[${i}]`, entry, 26379));
  return {
    kind: 'sentinel',
    options: { ...credentials, sentinels, name: o.name, db: db as number, ...(sentinelPassword ? { sentinelPassword } : {}) },
    prefix,
    source,
  };
}

/** Where the setting points, never with a password: a URL, `cluster h:p,…` or `sentinel <name> via h:p,…`. */
export function redisLocation(setting: RedisSetting): string {
  if (setting.kind === 'url') return redactRedisUrl(setting.url);
  if (setting.kind === 'cluster')
    return `cluster ${setting.nodes.map((n) => `${(n as { host: string }).host}:${(n as { port: number }).port}`).join(',')}`;
  return `sentinel ${setting.options.name} via ${(setting.options.sentinels ?? []).map((s) => `${s.host}:${s.port}`).join(',')}`;
}

/** What start-up prints after `stores: `. */
export function describeRedis(setting: RedisSetting): string {
  return `redis ${redisLocation(setting)} (prefix ${setting.prefix})`;
}

function unreachable(setting: RedisSetting, cause: unknown): WaymarkError {
  const raw =
    cause instanceof StoreUnavailableError && cause.cause instanceof Error
      ? cause.cause.message
      : cause instanceof Error
        ? cause.message
        : String(cause);
  const why = raw.replace(/\.+$/, '');
  return new WaymarkError(
    'ERR_STORE_UNAVAILABLE',
    `cannot reach Redis at ${redisLocation(setting)} (from ${setting.source}): ${why}. Start Redis there, or fix ${setting.source} (address, password, TLS), or remove it to run on memory stores in a single process.`,
    { store: 'redis', source: setting.source },
    { cause },
  );
}

async function connectCluster(setting: Extract<RedisSetting, { kind: 'cluster' }>): Promise<Cluster> {
  const cluster = new Cluster(setting.nodes, {
    enableOfflineQueue: false,
    lazyConnect: true,
    clusterRetryStrategy: REDIS_DEFAULTS.retryStrategy,
    redisOptions: { ...REDIS_DEFAULTS, ...setting.options },
  });
  cluster.on('error', () => {});
  const limit = REDIS_DEFAULTS.connectTimeout + REDIS_DEFAULTS.commandTimeout;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      cluster.connect().then(() => cluster.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
      }),
    ]);
    return cluster;
  } catch (error) {
    cluster.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects as the setting says (start-up fails with ERR_STORE_UNAVAILABLE naming where, without
 * credentials, and the fix) and builds the Redis stores on the injected clock.
 */
export async function connectRedisStores(setting: RedisSetting, clock?: Clock): Promise<{ stores: RedisStores; close(): Promise<void> }> {
  let client: RedisClient;
  try {
    client =
      setting.kind === 'url'
        ? await connectRedis(setting.url)
        : setting.kind === 'cluster'
          ? await connectCluster(setting)
          : await connectRedis(setting.options);
  } catch (error) {
    if (error instanceof WaymarkError && error.code === 'ERR_CONFIG_INVALID') throw error;
    throw unreachable(setting, error);
  }
  const stores = createRedisStores({ redis: client, prefix: setting.prefix, ...(clock ? { clock } : {}) });
  return {
    stores,
    async close() {
      if (client.status === 'end') return;
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await (client as Redis).quit().catch(() => client.disconnect());
      await ended;
    },
  };
}
