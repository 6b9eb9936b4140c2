import type { JsonObject } from '@waymark/sdk';

/** A user as a {@link UserStore} holds it. `passwordHash` is `scrypt$N$r$p$salt$hash` (see hashPassword). */
export interface UserRecord {
  /** Stable subject id: what sessions and tokens name. */
  sub: string;
  username: string;
  passwordHash: string;
  /** Anything else: `email`, `totpSecret` (base32), … */
  attributes: JsonObject;
}

/**
 * Where `credentials.verify` and `otp.challenge` find users. Wire one as `services.users`;
 * {@link FileUserStore} is the built-in one.
 *
 * @example
 * const users: UserStore = new FileUserStore('./users.json');
 * const alice = await users.findByUsername('alice');
 */
export interface UserStore {
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** Optional: lookup by subject (otp.challenge uses it when the journey knows only `sub`). */
  findBySub?(sub: string): Promise<UserRecord | undefined>;
}

declare module '@waymark/sdk' {
  interface Services {
    /** The user directory for credentials.verify and otp.challenge. */
    users?: UserStore;
  }
}
