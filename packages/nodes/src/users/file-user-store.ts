import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WaymarkError, type JsonObject, type JsonPrimitive, type NewUser, type UserRecord, type UserStore, type UserUpdate } from '@waymark/sdk';
import { parsePasswordHash } from './password.js';
import { applyUpdate, copy, hasAttribute, normaliseUsername } from './user-store.js';
import { NODES_ERRORS } from '../errors.js';

export { normaliseUsername } from './user-store.js';

const MAX_FILE_BYTES = 16 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(path: string, message: string, pointer: string): never {
  throw new WaymarkError(NODES_ERRORS.ERR_USERS_FILE, `users file ${path}: ${message}`, { path, pointer });
}

/** Parses and checks a users file's JSON text; throws ERR_USERS_FILE naming the offending entry. */
export function parseUsersFile(text: string, path = 'users.json'): UserRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    bad(path, 'is not JSON', '');
  }
  const list = isObject(doc) ? doc.users : undefined;
  if (!Array.isArray(list)) bad(path, 'must be an object { "users": [ … ] }', '/users');
  const seen = new Set<string>();
  const subs = new Set<string>();
  return list.map((u: unknown, i): UserRecord => {
    const at = `/users/${i}`;
    if (!isObject(u)) bad(path, 'each user must be an object', at);
    const { sub, username, passwordHash, attributes = {}, locked, loginCount, lastLoginAt } = u;
    if (typeof sub !== 'string' || sub === '') bad(path, 'user needs a non-empty "sub"', `${at}/sub`);
    if (typeof username !== 'string' || username === '') bad(path, 'user needs a non-empty "username"', `${at}/username`);
    // The message names the entry, never the hash: a hash is still a secret. A user registered
    // without a password has none (credentials.verify then refuses every password).
    if (passwordHash !== undefined && (typeof passwordHash !== 'string' || !parsePasswordHash(passwordHash)))
      bad(path, 'user needs "passwordHash" in the scrypt$N$r$p$salt$hash form (see hashPassword), or none at all', `${at}/passwordHash`);
    if (!isObject(attributes)) bad(path, '"attributes" must be an object', `${at}/attributes`);
    if (locked !== undefined && typeof locked !== 'boolean') bad(path, '"locked" must be true or false', `${at}/locked`);
    if (loginCount !== undefined && !(Number.isSafeInteger(loginCount) && (loginCount as number) >= 0))
      bad(path, '"loginCount" must be a whole number, 0 or more', `${at}/loginCount`);
    if (lastLoginAt !== undefined && !Number.isSafeInteger(lastLoginAt)) bad(path, '"lastLoginAt" must be epoch milliseconds', `${at}/lastLoginAt`);
    const key = normaliseUsername(username);
    if (seen.has(key)) bad(path, `username "${username}" appears twice`, `${at}/username`);
    if (subs.has(sub)) bad(path, `sub "${sub}" appears twice`, `${at}/sub`);
    seen.add(key);
    subs.add(sub);
    return {
      sub,
      username,
      ...(passwordHash !== undefined ? { passwordHash: passwordHash as string } : {}),
      attributes: attributes as JsonObject,
      ...(locked !== undefined ? { locked } : {}),
      ...(loginCount !== undefined ? { loginCount: loginCount as number } : {}),
      ...(lastLoginAt !== undefined ? { lastLoginAt: lastLoginAt as number } : {}),
    };
  });
}

interface Loaded {
  users: UserRecord[];
  byName: Map<string, UserRecord>;
  bySub: Map<string, UserRecord>;
}

function index(users: UserRecord[]): Loaded {
  return { users, byName: new Map(users.map((u) => [normaliseUsername(u.username), u])), bySub: new Map(users.map((u) => [u.sub, u])) };
}

/* One write queue per file (resolved path), whatever the number of FileUserStore instances:
 * writers in one process take turns, each reading the file afresh. */
const queues = new Map<string, Promise<unknown>>();
/* Bumped by every write to a file: other instances over it then read it again. */
const generations = new Map<string, number>();

/**
 * A {@link UserStore} backed by a JSON file: `{ "users": [{ "sub", "username", "passwordHash",
 * "attributes" }] }` with scrypt hashes from {@link hashPassword}. The file is read on first use
 * and kept; call `reload()` after editing it by hand. Writes (create, update, lock, login count)
 * take turns within the process, each re-reads the file, and replaces it atomically (a temporary
 * file in the same folder, then a rename), so a crash never leaves half a file. Several
 * processes writing one file are not coordinated: use the Redis store for that. For
 * development, demos and small deployments.
 *
 * @example
 * const users = new FileUserStore('./users.json');
 * await users.findByUsername('Alice'); // matches "alice"
 */
export class FileUserStore implements UserStore {
  readonly path: string;
  readonly #key: string;
  #loaded: Promise<Loaded> | undefined;
  #generation = 0;

  constructor(path: string) {
    this.path = path;
    this.#key = resolve(path);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { byName } = await this.#load();
    const u = byName.get(normaliseUsername(username));
    return u && copy(u);
  }

  async findBySub(sub: string): Promise<UserRecord | undefined> {
    const { bySub } = await this.#load();
    const u = bySub.get(sub);
    return u && copy(u);
  }

  async findByAttribute(name: string, value: JsonPrimitive): Promise<UserRecord | undefined> {
    const { users } = await this.#load();
    const u = users.find((x) => hasAttribute(x, name, value));
    return u && copy(u);
  }

  create(user: NewUser): Promise<UserRecord | undefined> {
    return this.#write((loaded) => {
      const sub = user.sub ?? randomUUID();
      if (loaded.byName.has(normaliseUsername(user.username)) || loaded.bySub.has(sub)) return { result: undefined };
      const record: UserRecord = {
        sub,
        username: user.username,
        ...(user.passwordHash !== undefined ? { passwordHash: user.passwordHash } : {}),
        attributes: copy(user.attributes ?? {}),
      };
      return { users: [...loaded.users, record], result: copy(record) };
    });
  }

  update(sub: string, change: UserUpdate): Promise<UserRecord | undefined> {
    return this.#change(sub, (u) => applyUpdate(u, change), (u) => copy(u));
  }

  async setLocked(sub: string, locked: boolean): Promise<boolean> {
    return (await this.#change(sub, (u) => ({ ...u, locked }), () => true)) ?? false;
  }

  recordLogin(sub: string, at: number): Promise<number | undefined> {
    return this.#change(sub, (u) => ({ ...u, loginCount: (u.loginCount ?? 0) + 1, lastLoginAt: at }), (u) => u.loginCount!);
  }

  /** Drops what was read; the next lookup reads the file again. */
  reload(): void {
    this.#loaded = undefined;
  }

  /** Replaces the user `sub` by `next(user)`; `result` of the new record, or undefined for an unknown sub. */
  #change<R>(sub: string, next: (u: UserRecord) => UserRecord, result: (u: UserRecord) => R): Promise<R | undefined> {
    return this.#write((loaded) => {
      const user = loaded.bySub.get(sub);
      if (!user) return { result: undefined };
      const changed = next(user);
      return { users: loaded.users.map((u) => (u === user ? changed : u)), result: result(changed) };
    });
  }

  /** Runs `apply` on the file as it is now, in turn with every other writer of this file in the process; writes what it returns. */
  #write<R>(apply: (loaded: Loaded) => { users?: UserRecord[]; result: R }): Promise<R> {
    const key = this.#key;
    const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const { users, result } = apply(await this.#read());
      if (users) {
        // Same folder, so the rename is atomic (POSIX rename(2)); a random name, so no two writers share one.
        const temp = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
        try {
          await writeFile(temp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
          await rename(temp, this.path);
        } catch (cause) {
          await rm(temp, { force: true });
          throw new WaymarkError(NODES_ERRORS.ERR_USERS_FILE, `users file ${this.path} cannot be written`, { path: this.path }, { cause });
        }
        const generation = (generations.get(key) ?? 0) + 1;
        generations.set(key, generation);
        this.#loaded = Promise.resolve(index(users));
        this.#generation = generation;
      }
      return result;
    });
    queues.set(key, run);
    void run.finally(() => {
      if (queues.get(key) === run) queues.delete(key);
    }).catch(() => undefined);
    return run;
  }

  async #read(): Promise<Loaded> {
    const text = await readFile(this.path, 'utf8').catch((cause: unknown) => {
      throw new WaymarkError(NODES_ERRORS.ERR_USERS_FILE, `users file ${this.path} cannot be read`, { path: this.path }, { cause });
    });
    if (text.length > MAX_FILE_BYTES) bad(this.path, 'is too large', '');
    return index(parseUsersFile(text, this.path));
  }

  #load() {
    const generation = generations.get(this.#key) ?? 0;
    if (!this.#loaded || this.#generation !== generation) {
      this.#generation = generation;
      const loading = this.#read();
      // A failed read is not kept: fixing the file fixes the next login.
      loading.catch(() => {
        if (this.#loaded === loading) this.#loaded = undefined;
      });
      this.#loaded = loading;
    }
    return this.#loaded;
  }
}

/* One store per file path for config-based use (`usersFile`), so the file is read once. */
const byPath = new Map<string, FileUserStore>();

/** The shared FileUserStore of a path. */
export function fileUserStore(path: string): FileUserStore {
  let store = byPath.get(path);
  if (!store) {
    store = new FileUserStore(path);
    byPath.set(path, store);
  }
  return store;
}
