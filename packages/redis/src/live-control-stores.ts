import { Redis } from 'ioredis';
import type { ClientRecord, ClientStore, FlowEntry, FlowStore, FlowVersionRecord } from '@waymark/sdk';
import { ConfigInvalidError, StoreUnavailableError } from '@waymark/core';
import { DEFAULT_PREFIX, REDIS_DEFAULTS } from './defaults.js';
import { Connection, type RedisClient } from './lib/connection.js';
import { controlChannel, controlKey } from './lib/keys.js';
import { CLIENT_DELETE, CLIENT_LIST, CLIENT_PUT, FLOW_ACTIVATE, FLOW_SAVE } from './lib/live-control-scripts.js';

/*
 * The control-plane stores on Redis: flows and clients, shared by every process of a
 * deployment. Every key is `<prefix>{control}:<kind>`: one hash tag, so the few keys a change
 * touches (the record, the versions, the revision counter) live on one Cluster shard and one
 * Lua script changes them atomically. Control-plane data is small (flows and clients, not
 * journeys), so one slot holds it comfortably. Every change increments the revision counter
 * and publishes it on `<prefix>control:flows` / `<prefix>control:clients` (pub/sub), from the
 * same script.
 */

export interface RedisControlStoresOptions {
  /** A connected client (from `connectRedis`), or a URL (the stores then own their client). */
  redis: RedisClient | string;
  /** Starts every key and channel. Default `waymark:`. */
  prefix?: string;
  /** How long `subscribe` waits for its own connection to be ready. Default 4000 ms. */
  subscribeTimeoutMs?: number;
}

/** Flows and clients on Redis, with `close()` for a client the stores opened from a URL. */
export interface RedisControlStores {
  flows: RedisFlowStore;
  clients: RedisClientStore;
  close(): Promise<void>;
}

function checkPrefix(prefix: string): void {
  if (/[{}]/.test(prefix))
    throw new ConfigInvalidError('createRedisControlStores options', [
      {
        code: 'ERR_CONFIG_INVALID',
        pointer: '/prefix',
        message: `"${prefix}" must not contain { or }: they would become the Cluster hash tag.`,
      },
    ]);
}

async function quit(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  await client.quit().catch(() => client.disconnect());
  await ended;
}

/**
 * Subscribes on a connection of its own (a subscribed connection can send nothing else). The
 * listener is also told when that connection comes back after a drop: messages published
 * while it was away are lost, so the caller must compare revisions again.
 */
async function subscribeOn(conn: Connection, channel: string, listener: () => void, timeoutMs: number): Promise<() => Promise<void>> {
  const sub = conn.client.duplicate() as RedisClient;
  sub.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    if (sub.status !== 'ready')
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
        sub.once('ready', () => resolve());
        // connectRedis makes lazy clients (lazyConnect), and a duplicate inherits that.
        if (sub.status === 'wait') sub.connect().catch(() => undefined);
      });
    await sub.subscribe(channel);
  } catch (error) {
    sub.disconnect();
    throw new StoreUnavailableError(`redis ${channel} subscription`, error);
  } finally {
    clearTimeout(timer);
  }
  sub.on('message', (from: string) => {
    if (from === channel) listener();
  });
  // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
  sub.on('ready', () => listener());
  return () => quit(sub);
}

const int = (value: unknown): number => Number(value ?? 0);

/** The FlowStore contract on Redis (see the module comment for the key layout). */
export class RedisFlowStore implements FlowStore {
  readonly #conn: Connection;
  readonly #keys: { entries: string; versions: string; revision: string };
  readonly #channel: string;
  readonly #timeoutMs: number;

  constructor(conn: Connection, timeoutMs = 4000) {
    this.#conn = conn;
    this.#keys = {
      entries: controlKey(conn.prefix, 'flows'),
      versions: controlKey(conn.prefix, 'flow-versions'),
      revision: controlKey(conn.prefix, 'flows-revision'),
    };
    this.#channel = controlChannel(conn.prefix, 'flows');
    this.#timeoutMs = timeoutMs;
  }

  async list(): Promise<FlowEntry[]> {
    const values = (await this.#run(() => this.#conn.client.hvals(this.#keys.entries))) as string[];
    return values.map((v) => JSON.parse(v) as FlowEntry).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  async entry(id: string): Promise<FlowEntry | undefined> {
    const value = (await this.#run(() => this.#conn.client.hget(this.#keys.entries, id))) as string | null;
    return value === null ? undefined : (JSON.parse(value) as FlowEntry);
  }
  async getVersion(id: string, version: number): Promise<FlowVersionRecord | undefined> {
    const value = (await this.#run(() => this.#conn.client.hget(this.#keys.versions, `${id}@${version}`))) as string | null;
    return value === null ? undefined : (JSON.parse(value) as FlowVersionRecord);
  }
  async saveVersion(record: FlowVersionRecord, expectedLatest: number | null, options: { activate?: boolean } = {}): Promise<boolean> {
    if (!Number.isSafeInteger(record.version)) return false;
    const saved = await this.#conn.evalKeys(
      'flows',
      FLOW_SAVE,
      [this.#keys.entries, this.#keys.versions, this.#keys.revision],
      [
        record.id,
        expectedLatest === null ? '' : expectedLatest,
        record.version,
        JSON.stringify(record),
        options.activate === false ? '0' : '1',
        record.savedAt,
        record.savedBy,
        this.#channel,
      ],
    );
    return saved === 1;
  }
  async activate(id: string, version: number, by: string, at: number, expectedActive?: number): Promise<boolean> {
    const done = await this.#conn.evalKeys(
      'flows',
      FLOW_ACTIVATE,
      [this.#keys.entries, this.#keys.revision],
      [id, version, by, at, expectedActive ?? '', this.#channel],
    );
    return done === 1;
  }
  async revision(): Promise<number> {
    return int(await this.#run(() => this.#conn.client.get(this.#keys.revision)));
  }
  subscribe(listener: () => void): Promise<() => Promise<void>> {
    return subscribeOn(this.#conn, this.#channel, listener, this.#timeoutMs);
  }
  #run<T>(command: () => Promise<T>): Promise<T> {
    return this.#conn.run('flows', command);
  }
}

/** The ClientStore contract on Redis. The secret is kept in the record (protect Redis: ACLs, TLS, no persistence to shared disks). */
export class RedisClientStore implements ClientStore {
  readonly #conn: Connection;
  readonly #keys: { records: string; revisions: string; revision: string };
  readonly #channel: string;
  readonly #timeoutMs: number;

  constructor(conn: Connection, timeoutMs = 4000) {
    this.#conn = conn;
    this.#keys = {
      records: controlKey(conn.prefix, 'clients'),
      revisions: controlKey(conn.prefix, 'client-revisions'),
      revision: controlKey(conn.prefix, 'clients-revision'),
    };
    this.#channel = controlChannel(conn.prefix, 'clients');
    this.#timeoutMs = timeoutMs;
  }

  async list(): Promise<ClientRecord[]> {
    const [records, revisions] = (await this.#conn.evalKeys('clients', CLIENT_LIST, [this.#keys.records, this.#keys.revisions], [])) as [
      string[],
      string[],
    ];
    const revisionOf = new Map<string, number>();
    for (let i = 0; i < revisions.length; i += 2) revisionOf.set(revisions[i]!, int(revisions[i + 1]));
    const list: ClientRecord[] = [];
    for (let i = 0; i < records.length; i += 2)
      list.push({ ...(JSON.parse(records[i + 1]!) as Omit<ClientRecord, 'revision'>), revision: revisionOf.get(records[i]!) ?? 1 });
    return list;
  }
  async get(clientId: string): Promise<ClientRecord | undefined> {
    const [value, revision] = (await this.#conn.run('clients', () =>
      this.#conn.client.multi().hget(this.#keys.records, clientId).hget(this.#keys.revisions, clientId).exec(),
    ))!.map(([error, result]) => {
      if (error) throw error;
      return result as string | null;
    });
    return value === null || value === undefined
      ? undefined
      : { ...(JSON.parse(value) as Omit<ClientRecord, 'revision'>), revision: int(revision) };
  }
  async put(clientId: string, record: Omit<ClientRecord, 'revision'>, expectedRevision: number | null): Promise<number | false> {
    const { revision: _ignored, ...value } = record as ClientRecord;
    const revision = await this.#conn.evalKeys(
      'clients',
      CLIENT_PUT,
      [this.#keys.records, this.#keys.revisions, this.#keys.revision],
      [clientId, expectedRevision === null ? '' : expectedRevision, JSON.stringify(value), this.#channel],
    );
    return int(revision) > 0 ? int(revision) : false;
  }
  async delete(clientId: string, expectedRevision?: number): Promise<boolean> {
    const done = await this.#conn.evalKeys(
      'clients',
      CLIENT_DELETE,
      [this.#keys.records, this.#keys.revisions, this.#keys.revision],
      [clientId, expectedRevision ?? '', this.#channel],
    );
    return done === 1;
  }
  async revision(): Promise<number> {
    return int(await this.#conn.run('clients', () => this.#conn.client.get(this.#keys.revision)));
  }
  subscribe(listener: () => void): Promise<() => Promise<void>> {
    return subscribeOn(this.#conn, this.#channel, listener, this.#timeoutMs);
  }
}

/**
 * The flow and client stores on Redis, shared by every process of a deployment: compare-and-set
 * in Lua, a revision counter, and a pub/sub channel per store for change notification.
 *
 * @example
 * const redis = await connectRedis(url);
 * const { flows, clients } = createRedisControlStores({ redis, prefix: 'waymark:' });
 * const unsubscribe = await flows.subscribe(() => reload());
 */
export function createRedisControlStores(options: RedisControlStoresOptions): RedisControlStores {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  checkPrefix(prefix);
  let client: RedisClient;
  const owned = typeof options.redis === 'string';
  if (typeof options.redis === 'string') {
    client = new Redis(options.redis, REDIS_DEFAULTS);
    client.on('error', () => {});
  } else {
    client = options.redis;
  }
  const conn = new Connection(client, prefix);
  return {
    flows: new RedisFlowStore(conn, options.subscribeTimeoutMs),
    clients: new RedisClientStore(conn, options.subscribeTimeoutMs),
    close: async () => {
      if (owned) await quit(client);
    },
  };
}
