import type { JsonObject, JsonPrimitive } from './json-schema.js';

/**
 * The user directory contract. It lives in the SDK (types only), like the other store
 * contracts, so that `@waymark/nodes` (the memory and file stores, the user-store node types)
 * and `@waymark/redis` (the Redis store) implement one interface without importing each other.
 * `@waymark/testing` runs one conformance suite (`userStoreConformance`) against all of them.
 */

/** A user as a {@link UserStore} holds it. */
export interface UserRecord {
  /** Stable subject id: what sessions and tokens name. */
  sub: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (hashPassword of @waymark/nodes); absent for a user registered without a password. */
  passwordHash?: string;
  /** Anything else: `mail`, `givenName`, `totpSecret` (base32), … */
  attributes: JsonObject;
  /** Locked by `account.lockout`: `credentials.verify` answers `locked` for the right password. */
  locked?: boolean;
  /** Successful logins counted by `login.count`. */
  loginCount?: number;
  /** Epoch ms of the last login `login.count` recorded. */
  lastLoginAt?: number;
}

/** What `create` takes: the store picks the `sub` when none is given. */
export interface NewUser {
  sub?: string;
  username: string;
  passwordHash?: string;
  attributes?: JsonObject;
}

/** A change `update` applies atomically; what it leaves out stays as it is. */
export interface UserUpdate {
  /** Merged into the attributes; an attribute set to `null` is removed. */
  attributes?: JsonObject;
  passwordHash?: string;
}

/**
 * Where the user-store node types find, create and change users. Wire one as `services.users`.
 * Only `findByUsername` is required (a read-only directory serves `credentials.verify`); the
 * node types that need more name the method they miss (`ERR_USER_STORE_CAPABILITY`).
 *
 * Usernames match case-insensitively (NFKC, lower case). Every method returns copies: changing a
 * returned record changes nothing stored. Writes are atomic per call: of two concurrent
 * `create`s of one username exactly one succeeds, and concurrent `recordLogin`s all count.
 *
 * @example
 * const users: UserStore = new MemoryUserStore();
 * const alice = await users.create?.({ username: 'alice', attributes: { mail: 'alice@example.com' } });
 * await users.findByAttribute?.('mail', 'alice@example.com'); // alice
 */
export interface UserStore {
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** Lookup by subject (otp.challenge uses it when the journey knows only `sub`). */
  findBySub?(sub: string): Promise<UserRecord | undefined>;
  /**
   * A user whose attribute `name` equals `value` exactly (`username` and `sub` look those up);
   * when several share the value, one of them. Only strings, numbers and booleans are matched.
   */
  findByAttribute?(name: string, value: JsonPrimitive): Promise<UserRecord | undefined>;
  /** Creates the user; undefined when the username (or the given sub) is taken, atomically. */
  create?(user: NewUser): Promise<UserRecord | undefined>;
  /** Applies the change and returns the new record; undefined for an unknown sub. */
  update?(sub: string, change: UserUpdate): Promise<UserRecord | undefined>;
  /** Locks or unlocks the user; false for an unknown sub. */
  setLocked?(sub: string, locked: boolean): Promise<boolean>;
  /** Adds one to `loginCount` and sets `lastLoginAt`, atomically; the new count, or undefined for an unknown sub. */
  recordLogin?(sub: string, at: number): Promise<number | undefined>;
}

/**
 * How every user store compares usernames: NFKC, then lower case (case-insensitively, the way
 * most directories compare them).
 *
 * @example
 * normaliseUsername('ÅLICE') === normaliseUsername('ålice'); // true
 */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
