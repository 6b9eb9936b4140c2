import { randomUUID } from 'node:crypto';
import type { JsonPrimitive, NewUser, UserRecord, UserStore, UserUpdate } from '@waymark/sdk';
import { applyUpdate, copy, hasAttribute, normaliseUsername } from './user-store.js';

/**
 * A {@link UserStore} in this process's memory: for tests, demos and registration flows tried
 * out with `waymark serve` (users are gone at restart). Every method runs without an `await`
 * between its read and its write, so each call is atomic within the process.
 *
 * @example
 * const users = new MemoryUserStore([{ sub: 'u-1', username: 'alice', attributes: {} }]);
 * await users.create({ username: 'ALICE' }); // undefined: taken
 */
export class MemoryUserStore implements UserStore {
  readonly #bySub = new Map<string, UserRecord>();
  readonly #byName = new Map<string, string>();

  constructor(users: readonly UserRecord[] = []) {
    for (const u of users) {
      if (this.#byName.has(normaliseUsername(u.username)) || this.#bySub.has(u.sub))
        throw new TypeError(`MemoryUserStore: user ${u.sub} (${u.username}) appears twice`);
      this.#put(copy(u));
    }
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const sub = this.#byName.get(normaliseUsername(username));
    return this.#copy(sub);
  }

  async findBySub(sub: string): Promise<UserRecord | undefined> {
    return this.#copy(sub);
  }

  async findByAttribute(name: string, value: JsonPrimitive): Promise<UserRecord | undefined> {
    for (const u of this.#bySub.values()) if (hasAttribute(u, name, value)) return copy(u);
    return undefined;
  }

  async create(user: NewUser): Promise<UserRecord | undefined> {
    const sub = user.sub ?? randomUUID();
    if (this.#byName.has(normaliseUsername(user.username)) || this.#bySub.has(sub)) return undefined;
    const record: UserRecord = {
      sub,
      username: user.username,
      ...(user.passwordHash !== undefined ? { passwordHash: user.passwordHash } : {}),
      attributes: copy(user.attributes ?? {}),
    };
    this.#put(record);
    return copy(record);
  }

  async update(sub: string, change: UserUpdate): Promise<UserRecord | undefined> {
    const user = this.#bySub.get(sub);
    if (!user) return undefined;
    const next = applyUpdate(user, change);
    this.#put(next);
    return copy(next);
  }

  async setLocked(sub: string, locked: boolean): Promise<boolean> {
    const user = this.#bySub.get(sub);
    if (!user) return false;
    user.locked = locked;
    return true;
  }

  async recordLogin(sub: string, at: number): Promise<number | undefined> {
    const user = this.#bySub.get(sub);
    if (!user) return undefined;
    user.loginCount = (user.loginCount ?? 0) + 1;
    user.lastLoginAt = at;
    return user.loginCount;
  }

  #put(user: UserRecord): void {
    this.#bySub.set(user.sub, user);
    this.#byName.set(normaliseUsername(user.username), user.sub);
  }

  #copy(sub: string | undefined): UserRecord | undefined {
    const u = sub === undefined ? undefined : this.#bySub.get(sub);
    return u && copy(u);
  }
}
