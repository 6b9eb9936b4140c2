import { WaymarkError, type JsonObject, type JsonValue, type NodeContext, type UserStore } from '@waymark/sdk';
import { fileUserStore } from '../users/file-user-store.js';
import { NODES_ERRORS } from '../errors.js';

/** The user directory: `services.users`, else the `usersFile` of the config. */
export function userStoreOf(ctx: NodeContext, usersFile?: string): UserStore {
  if (ctx.services.users) return ctx.services.users;
  if (usersFile !== undefined) return fileUserStore(usersFile);
  throw new WaymarkError(NODES_ERRORS.ERR_NO_USER_STORE, 'no user store: wire services.users or set "usersFile" in the node config', {
    key: 'usersFile',
  });
}

type Method = 'findByAttribute' | 'create' | 'update' | 'setLocked' | 'recordLogin' | 'findBySub';

/**
 * The store's `method`, bound; a store without it throws ERR_USER_STORE_CAPABILITY naming the
 * node type and the fix (a store that writes: the memory, file or Redis user store).
 */
export function storeMethod<M extends Method>(store: UserStore, method: M, nodeType: string): NonNullable<UserStore[M]> {
  const fn = store[method];
  if (typeof fn !== 'function')
    throw new WaymarkError(
      NODES_ERRORS.ERR_USER_STORE_CAPABILITY,
      `${nodeType} needs a user store with ${method}(), which services.users lacks: wire MemoryUserStore, FileUserStore or RedisUserStore, or implement ${method}`,
      { node: nodeType, method },
    );
  return fn.bind(store) as NonNullable<UserStore[M]>;
}

/** A ref such as `state.username`, `params.login_hint`, `journey.id`; never secrets (they are traced nowhere, and refs are). */
export function readRef(ctx: NodeContext, ref: string): unknown {
  const roots: Record<string, unknown> = {
    state: ctx.state,
    params: ctx.params,
    journey: ctx.journey,
    client: ctx.client && { clientId: ctx.client.clientId },
  };
  let value: unknown = roots;
  for (const key of ref.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A state path: `attributes`, `profile.attributes` (a leading `state.` is allowed). */
function keys(path: string): string[] {
  return (path.startsWith('state.') ? path.slice(6) : path).split('.');
}

export function getStatePath(state: JsonObject, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = state;
  for (const key of keys(path)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

export function setStatePath(state: JsonObject, path: string, value: JsonValue): void {
  const parts = keys(path);
  let at: JsonObject = state;
  for (const key of parts.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) at[key] = {};
    at = at[key] as JsonObject;
  }
  at[parts[parts.length - 1]!] = value;
}

/* A path never names what every object inherits: writing `__proto__` would reach Object.prototype. */
const NO_PROTO = { not: { pattern: '(^|\\.)(__proto__|constructor|prototype)(\\.|$)' } } as const;
/** JSON Schema of a ref (the roots readRef knows). */
export const REF_SCHEMA = {
  type: 'string',
  maxLength: 200,
  pattern: '^(state|params|journey|client)(\\.[A-Za-z0-9_-]+)+$',
  ...NO_PROTO,
} as const;
/** JSON Schema of a state path. */
export const STATE_PATH_SCHEMA = {
  type: 'string',
  maxLength: 200,
  pattern: '^(state\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$',
  ...NO_PROTO,
} as const;

/** The subject in `state.sub`; ERR_NODE_STATE naming the node when an earlier node did not set one. */
export function subjectOf(ctx: NodeContext, nodeType: string): string {
  const sub = ctx.state.sub;
  if (typeof sub !== 'string' || sub === '')
    throw new WaymarkError(
      NODES_ERRORS.ERR_NODE_STATE,
      `${nodeType}: state "sub" holds no subject; run user.identify, credentials.verify or user.create first`,
      { key: 'sub' },
    );
  return sub;
}
