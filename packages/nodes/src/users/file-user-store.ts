import { readFile } from 'node:fs/promises';
import { WaymarkError, type JsonObject } from '@waymark/sdk';
import { parsePasswordHash } from './password.js';
import type { UserRecord, UserStore } from './user-store.js';
import { NODES_ERRORS } from '../errors.js';

const MAX_FILE_BYTES = 16 * 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Usernames match case-insensitively (NFKC, lower case), the way most directories compare them. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase();
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
    const { sub, username, passwordHash, attributes = {} } = u;
    if (typeof sub !== 'string' || sub === '') bad(path, 'user needs a non-empty "sub"', `${at}/sub`);
    if (typeof username !== 'string' || username === '') bad(path, 'user needs a non-empty "username"', `${at}/username`);
    // The message names the entry, never the hash: a hash is still a secret.
    if (typeof passwordHash !== 'string' || !parsePasswordHash(passwordHash))
      bad(path, 'user needs "passwordHash" in the scrypt$N$r$p$salt$hash form (see hashPassword)', `${at}/passwordHash`);
    if (!isObject(attributes)) bad(path, '"attributes" must be an object', `${at}/attributes`);
    const key = normaliseUsername(username);
    if (seen.has(key)) bad(path, `username "${username}" appears twice`, `${at}/username`);
    if (subs.has(sub)) bad(path, `sub "${sub}" appears twice`, `${at}/sub`);
    seen.add(key);
    subs.add(sub);
    return { sub, username, passwordHash, attributes: attributes as JsonObject };
  });
}

/**
 * A {@link UserStore} backed by a JSON file: `{ "users": [{ "sub", "username", "passwordHash",
 * "attributes" }] }` with scrypt hashes from {@link hashPassword}. The file is read on first use
 * and kept; call `reload()` after editing it. For development, demos and small deployments.
 *
 * @example
 * const users = new FileUserStore('./users.json');
 * await users.findByUsername('Alice'); // matches "alice"
 */
export class FileUserStore implements UserStore {
  readonly path: string;
  #loaded: Promise<{ byName: Map<string, UserRecord>; bySub: Map<string, UserRecord> }> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { byName } = await this.#load();
    const u = byName.get(normaliseUsername(username));
    return u && structuredClone(u);
  }

  async findBySub(sub: string): Promise<UserRecord | undefined> {
    const { bySub } = await this.#load();
    const u = bySub.get(sub);
    return u && structuredClone(u);
  }

  /** Drops what was read; the next lookup reads the file again. */
  reload(): void {
    this.#loaded = undefined;
  }

  #load() {
    if (!this.#loaded) {
      const loading = (async () => {
        const text = await readFile(this.path, 'utf8').catch((cause: unknown) => {
          throw new WaymarkError(NODES_ERRORS.ERR_USERS_FILE, `users file ${this.path} cannot be read`, { path: this.path }, { cause });
        });
        if (text.length > MAX_FILE_BYTES) bad(this.path, 'is too large', '');
        const users = parseUsersFile(text, this.path);
        return { byName: new Map(users.map((u) => [normaliseUsername(u.username), u])), bySub: new Map(users.map((u) => [u.sub, u])) };
      })();
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
