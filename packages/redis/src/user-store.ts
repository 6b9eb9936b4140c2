import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  normaliseUsername,
  type JsonObject,
  type JsonPrimitive,
  type NewUser,
  type UserRecord,
  type UserStore,
  type UserUpdate,
} from '@waymark/sdk';
import { ConfigInvalidError, StoreUnavailableError } from '@waymark/core';
import { DEFAULT_PREFIX } from './defaults.js';
import { Connection, type RedisClient } from './lib/connection.js';
import { USER_CREATE, USER_REPLACE } from './lib/user-scripts.js';

/** How often a write retries a compare-and-set another writer won, before it gives up (a storm of writes to one user). */
const MAX_RETRIES = 100;

export interface RedisUserStoreOptions {
  /** A connected client (from `connectRedis`), or a URL (the store then owns its client; `close()` ends it). */
  redis: RedisClient | string;
  /** Starts every key. Default `waymark:`. */
  prefix?: string;
}

/** The attribute index fields of a record: `<name>=<JSON value>` for every string, number and boolean attribute. */
function indexFields(user: UserRecord): string[] {
  return Object.entries(user.attributes)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

function mergeAttributes(attributes: JsonObject, change: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...attributes };
  for (const [k, v] of Object.entries(change ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * The {@link UserStore} on Redis, shared by every process: create, update, lock and login
 * counts are atomic across processes. Key layout, all under one hash tag (one Cluster slot, so
 * one Lua script changes them together):
 *
 *   waymark:{users}:records   hash  sub → the user record JSON
 *   waymark:{users}:names     hash  normalised username → sub
 *   waymark:{users}:index     hash  <attribute>=<JSON value> → JSON array of subs (findByAttribute)
 *
 * `create` is one script (it refuses a taken username or sub); every other write reads the
 * record, computes the new one and replaces it only if it is unchanged (compare-and-set),
 * retrying when another writer came first. Redis being down is `ERR_STORE_UNAVAILABLE`.
 *
 * @example
 * const users = new RedisUserStore({ redis: 'redis://localhost:6379' });
 * await users.create({ username: 'alice', attributes: { mail: 'alice@example.com' } });
 */
export class RedisUserStore implements UserStore {
  readonly #conn: Connection;
  readonly #keys: [string, string, string];
  readonly #owned: Redis | undefined;

  constructor(options: RedisUserStoreOptions) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (/[{}]/.test(prefix))
      throw new ConfigInvalidError('RedisUserStore options', [
        {
          code: 'ERR_CONFIG_INVALID',
          pointer: '/prefix',
          message: `"${prefix}" holds a brace: a prefix must not contain { or } (they are Redis Cluster hash tags)`,
        },
      ]);
    this.#owned = typeof options.redis === 'string' ? new Redis(options.redis, { lazyConnect: true, maxRetriesPerRequest: 1 }) : undefined;
    this.#conn = new Connection(this.#owned ?? (options.redis as RedisClient), prefix);
    this.#keys = [`${prefix}{users}:records`, `${prefix}{users}:names`, `${prefix}{users}:index`];
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const sub = await this.#conn.run('users', () => this.#conn.client.hget(this.#keys[1], normaliseUsername(username)));
    return sub === null ? undefined : this.findBySub(sub);
  }

  async findBySub(sub: string): Promise<UserRecord | undefined> {
    const raw = await this.#raw(sub);
    return raw === null ? undefined : (JSON.parse(raw) as UserRecord);
  }

  async findByAttribute(name: string, value: JsonPrimitive): Promise<UserRecord | undefined> {
    if (value === null) return undefined;
    if (name === 'username') return typeof value === 'string' ? this.findByUsername(value) : undefined;
    if (name === 'sub') return typeof value === 'string' ? this.findBySub(value) : undefined;
    const raw = await this.#conn.run('users', () => this.#conn.client.hget(this.#keys[2], `${name}=${JSON.stringify(value)}`));
    for (const sub of raw === null ? [] : (JSON.parse(raw) as string[])) {
      const user = await this.findBySub(sub);
      // The index and the record are written by one script; the check guards against a hand-edited index.
      if (user && Object.hasOwn(user.attributes, name) && user.attributes[name] === value) return user;
    }
    return undefined;
  }

  async create(user: NewUser): Promise<UserRecord | undefined> {
    const record: UserRecord = {
      sub: user.sub ?? randomUUID(),
      username: user.username,
      ...(user.passwordHash !== undefined ? { passwordHash: user.passwordHash } : {}),
      attributes: user.attributes ?? {},
    };
    const done = await this.#conn.evalKeys('users', USER_CREATE, this.#keys, [
      record.sub,
      normaliseUsername(record.username),
      JSON.stringify(record),
      ...indexFields(record),
    ]);
    return done === 1 ? (JSON.parse(JSON.stringify(record)) as UserRecord) : undefined;
  }

  async update(sub: string, change: UserUpdate): Promise<UserRecord | undefined> {
    return this.#change(sub, (u) => ({
      ...u,
      attributes: mergeAttributes(u.attributes, change.attributes),
      ...(change.passwordHash !== undefined ? { passwordHash: change.passwordHash } : {}),
    }));
  }

  async setLocked(sub: string, locked: boolean): Promise<boolean> {
    return (await this.#change(sub, (u) => ({ ...u, locked }))) !== undefined;
  }

  async recordLogin(sub: string, at: number): Promise<number | undefined> {
    return (await this.#change(sub, (u) => ({ ...u, loginCount: (u.loginCount ?? 0) + 1, lastLoginAt: at })))?.loginCount;
  }

  /** Ends the client the store opened from a URL; a client passed in is the caller's to end. */
  async close(): Promise<void> {
    if (this.#owned && this.#owned.status !== 'end') await this.#owned.quit().catch(() => this.#owned?.disconnect());
  }

  #raw(sub: string): Promise<string | null> {
    return this.#conn.run('users', () => this.#conn.client.hget(this.#keys[0], sub));
  }

  /** Compare-and-set of the record `sub` to `next(record)`, retried while other writers win. */
  async #change(sub: string, next: (u: UserRecord) => UserRecord): Promise<UserRecord | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const raw = await this.#raw(sub);
      if (raw === null) return undefined;
      const user = JSON.parse(raw) as UserRecord;
      const changed = next(user);
      const old = indexFields(user);
      const done = await this.#conn.evalKeys('users', USER_REPLACE, this.#keys, [
        sub,
        raw,
        JSON.stringify(changed),
        old.length,
        ...old,
        ...indexFields(changed),
      ]);
      if (done === 1) return changed;
      if (done === -1) return undefined;
    }
    throw new StoreUnavailableError(
      'redis users',
      new Error(`user ${sub} changed ${MAX_RETRIES} times while this write was trying: retry later`),
    );
  }
}
