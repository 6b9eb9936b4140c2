import { normaliseUsername } from '@waymark/sdk';
import type { JsonObject, JsonPrimitive, UserRecord, UserStore, UserUpdate } from '@waymark/sdk';

/* The contract lives in @waymark/sdk, where @waymark/redis implements it too; re-exported here,
 * where node authors have always found it. */
export type { UserRecord, UserStore, NewUser, UserUpdate } from '@waymark/sdk';

declare module '@waymark/sdk' {
  interface Services {
    /** The user directory of the credentials.*, user.*, attributes.* and account.* nodes. */
    users?: UserStore;
  }
}

export { normaliseUsername } from '@waymark/sdk';

/** A deep copy of JSON data (records are JSON: a copy in this realm, unlike structuredClone's in a test sandbox). */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Whether `user` has `value` for `name` (`username` case-insensitively, `sub`, else an attribute). */
export function hasAttribute(user: UserRecord, name: string, value: JsonPrimitive): boolean {
  if (value === null) return false;
  if (name === 'username') return typeof value === 'string' && normaliseUsername(user.username) === normaliseUsername(value);
  if (name === 'sub') return user.sub === value;
  return Object.hasOwn(user.attributes, name) && user.attributes[name] === value;
}

/** `attributes` with `change` merged in (`null` removes). */
export function mergeAttributes(attributes: JsonObject, change: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...attributes };
  for (const [k, v] of Object.entries(change ?? {})) {
    if (v === null) delete out[k];
    else out[k] = copy(v);
  }
  return out;
}

/** The record after `change`. */
export function applyUpdate(user: UserRecord, change: UserUpdate): UserRecord {
  return {
    ...user,
    attributes: mergeAttributes(user.attributes, change.attributes),
    ...(change.passwordHash !== undefined ? { passwordHash: change.passwordHash } : {}),
  };
}
