import { compileConfigSchema, ConfigInvalidError, type ConfigProblem, type ConfigSchema } from '@waymark/core';
import { DEFAULT_PREFIX } from './defaults.js';

/**
 * The Redis setting as a person writes it in a configuration file, one of:
 *
 * - `"redis://user:pass@host:6379/0"` or `{ "url": "...", "prefix": "waymark:" }` (rediss:// for TLS)
 * - `{ "cluster": ["redis://10.0.0.1:6379", { "host": "10.0.0.2", "port": 6379 }], "password": "...", "prefix": "waymark:" }`
 * - `{ "sentinels": ["10.0.0.1:26379", { "host": "10.0.0.2", "port": 26379 }], "name": "mymaster", "password": "...", "sentinelPassword": "...", "db": 0 }`
 *
 * {@link redisSettingSchema} is its JSON Schema; {@link parseRedisSetting} checks it and turns
 * it into a {@link RedisTopology}.
 */
export type RedisSetting =
  | string
  | { url: string; prefix?: string }
  | { cluster: (string | RedisNode)[]; prefix?: string; username?: string; password?: string }
  | {
      sentinels: (string | RedisNode)[];
      name: string;
      prefix?: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db?: number;
    };

/** One Cluster node or one sentinel. */
export interface RedisNode {
  host: string;
  port: number;
}

/** A checked Redis setting: what {@link connectRedis} connects to, and the key prefix of the stores. */
export type RedisTopology =
  | { kind: 'url'; url: string; prefix: string; source: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; prefix: string; source: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      prefix: string;
      source: string;
    };

/** `host:port`, `[v6]:port` or `redis://host:port`, nothing else: no credentials, no path. */
const NODE = '^(?:redis://)?(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?/?$';

const URL_SCHEMA = {
  type: 'string',
  pattern: '^rediss?://',
  // The URL may carry the password: a message about it never shows it.
  writeOnly: true,
  description: 'a Redis URL, redis://[user:password@]host:port/db (rediss:// for TLS)',
};

function nodeSchema(what: string, port: number): object {
  const description = `a ${what}: "host:${port}", "redis://host:${port}" or { "host": "10.0.0.1", "port": ${port} }, without credentials (put the password in "password"; TLS is not supported here)`;
  return {
    description,
    type: ['string', 'object'],
    if: { type: 'string' },
    // writeOnly: an entry written with credentials in it must not be echoed.
    then: { pattern: NODE, writeOnly: true, description },
    else: {
      required: ['host'],
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, description: 'the host name or IP address' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: port, description: `the TCP port (default ${port})` },
      },
    },
  };
}

const secret = (description: string) => ({ type: 'string', minLength: 1, writeOnly: true, description });

const NAME = { type: 'string', minLength: 1, description: 'the master name the sentinels monitor, such as "mymaster"' };

const KEYS = {
  url: ['url', 'prefix'],
  cluster: ['cluster', 'prefix', 'username', 'password'],
  sentinels: ['sentinels', 'name', 'prefix', 'username', 'password', 'sentinelPassword', 'db'],
} as const;

const ONE_OF = 'give exactly one of "url", "cluster" or "sentinels"';

/** Only the keys of one topology (a second topology key is the usual mistake). */
const only = (kind: keyof typeof KEYS) => ({
  propertyNames: { enum: KEYS[kind], description: `a "${kind}" setting takes ${KEYS[kind].join(', ')}; ${ONE_OF}` },
});

/**
 * The JSON Schema (draft 2020-12) of {@link RedisSetting}, for hosts that embed the setting in
 * their own configuration schema (`waymark serve` puts it under `redis`), so that a bad Redis
 * setting is reported with everything else, in the same shape.
 */
export const redisSettingSchema = {
  description:
    'where the Redis stores live: "redis://host:6379/0", { "url": "redis://host:6379", "prefix": "waymark:" }, { "cluster": ["host:6379", ...] } or { "sentinels": ["host:26379", ...], "name": "mymaster" }',
  type: ['string', 'object'],
  if: { type: 'string' },
  then: URL_SCHEMA,
  else: {
    properties: {
      url: URL_SCHEMA,
      cluster: {
        type: 'array',
        minItems: 1,
        items: nodeSchema('Cluster node', 6379),
        description: 'the Cluster nodes the client discovers the cluster from: ["redis://10.0.0.1:6379", ...]',
      },
      sentinels: {
        type: 'array',
        minItems: 1,
        items: nodeSchema('sentinel', 26379),
        description: 'the sentinels that name the master: ["10.0.0.1:26379", ...]',
      },
      name: NAME,
      prefix: {
        type: 'string',
        pattern: '^[^{}]*$',
        default: DEFAULT_PREFIX,
        description: `starts every key, so several deployments can share a server; no { or } (they would become the Cluster hash tag). Default "${DEFAULT_PREFIX}"`,
      },
      username: secret('the Redis ACL user name'),
      password: secret('the password of the Redis nodes (for a Cluster or the master the sentinels name)'),
      sentinelPassword: secret('the password of the sentinels, when they have one'),
      db: { type: 'integer', minimum: 0, description: 'the database number of the master (0, 1, ...). Default 0' },
    },
    if: { required: ['url'] },
    then: only('url'),
    else: {
      if: { required: ['cluster'] },
      then: only('cluster'),
      else: {
        if: { required: ['sentinels'] },
        then: { required: ['name'], properties: { name: NAME, db: { default: 0 } }, ...only('sentinels') },
        else: {
          required: ['url'],
          properties: { url: { description: `${ONE_OF}, such as { "url": "redis://127.0.0.1:6379" }` } },
          propertyNames: { enum: [...new Set(Object.values(KEYS).flat())], description: ONE_OF },
        },
      },
    },
  },
} as const;

let compiled: ConfigSchema<RedisSetting> | undefined;

/** Options of {@link parseRedisSetting}. */
export interface ParseRedisSettingOptions {
  /** The JSON pointer of the setting in the host's configuration (`/redis`), so problems name the right place. Default `''`. */
  at?: string;
  /** What the configuration is called in the error (`config`, a file name). Default `Redis setting`. */
  subject?: string;
  /** Where the setting came from, for the start-up error when Redis cannot be reached (`the "redis" setting`, `WAYMARK_REDIS_URL`). Default `the Redis setting`. */
  source?: string;
}

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

/** Plain objects and arrays copied, so that filling in defaults never changes the caller's value. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

/** A node entry the schema accepted, as host and port; a port out of range is a problem. */
function toNode(entry: string | RedisNode, pointer: string, defaultPort: number, problems: ConfigProblem[]): RedisNode {
  if (typeof entry !== 'string') return entry;
  try {
    const parsed = new URL(entry.startsWith('redis://') ? entry : `redis://${entry}`);
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? defaultPort : Number(parsed.port) };
  } catch {
    problems.push({ code: 'ERR_CONFIG_INVALID', pointer, message: `"${entry}" has no valid port: use a port from 1 to 65535` });
    return { host: '', port: 0 };
  }
}

/**
 * Checks a Redis setting (see {@link RedisSetting}) against {@link redisSettingSchema} and
 * returns where to connect. Every problem is reported at once as ERR_CONFIG_INVALID
 * ({@link ConfigInvalidError}: the JSON pointer and the fix of each); no message shows a
 * password or a URL's credentials.
 *
 * @example
 * const topology = parseRedisSetting(config.redis, { at: '/redis', subject: 'waymark.config.json' });
 * const redis = await connectRedis(topology);
 * const stores = createRedisStores({ redis, prefix: topology.prefix });
 */
export function parseRedisSetting(raw: unknown, options: ParseRedisSettingOptions = {}): RedisTopology {
  const at = options.at ?? '';
  const source = options.source ?? 'the Redis setting';
  compiled ??= compileConfigSchema<RedisSetting>(redisSettingSchema, 'Redis setting');
  const setting = copy(raw);
  const problems = compiled.problems(setting, at);
  if (problems.length > 0) throw new ConfigInvalidError(options.subject ?? 'Redis setting', problems);
  const checked = setting as RedisSetting;
  if (typeof checked === 'string') return { kind: 'url', url: checked, prefix: DEFAULT_PREFIX, source };
  const prefix = checked.prefix ?? DEFAULT_PREFIX;
  if ('url' in checked) return { kind: 'url', url: checked.url, prefix, source };
  const found: ConfigProblem[] = [];
  const auth = { ...(checked.username ? { username: checked.username } : {}), ...(checked.password ? { password: checked.password } : {}) };
  let topology: RedisTopology;
  if ('cluster' in checked) {
    const nodes = checked.cluster.map((entry, i) => toNode(entry, `${at}/cluster/${i}`, 6379, found));
    topology = { kind: 'cluster', nodes, ...auth, prefix, source };
  } else {
    const sentinels = checked.sentinels.map((entry, i) => toNode(entry, `${at}/sentinels/${i}`, 26379, found));
    topology = {
      kind: 'sentinel',
      sentinels,
      name: checked.name,
      db: checked.db ?? 0,
      ...auth,
      ...(checked.sentinelPassword ? { sentinelPassword: checked.sentinelPassword } : {}),
      prefix,
      source,
    };
  }
  if (found.length > 0) throw new ConfigInvalidError(options.subject ?? 'Redis setting', found);
  return topology;
}

/** Where a topology points, never with a password: a URL, `cluster h:p,…` or `sentinel <name> via h:p,…`. */
export function redisLocation(topology: RedisTopology): string {
  const list = (nodes: RedisNode[]) => nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(',');
  if (topology.kind === 'url') return redactRedisUrl(topology.url);
  if (topology.kind === 'cluster') return `cluster ${list(topology.nodes)}`;
  return `sentinel ${topology.name} via ${list(topology.sentinels)}`;
}
