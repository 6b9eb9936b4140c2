import { defineNode, WaymarkError, type JsonObject } from '@waymark/sdk';
import { hashPassword } from './users/password.js';
import { getStatePath, readRef, REF_SCHEMA, STATE_PATH_SCHEMA, storeMethod, userStoreOf } from './lib/user-steps.js';
import { NODES_ERRORS } from './errors.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: {
      ...STATE_PATH_SCHEMA,
      default: 'attributes',
      description: "The state object of the new user's attributes (attributes.collect writes it)",
    },
    username: { ...REF_SCHEMA, default: 'state.username', description: 'Where the new username is' },
  },
} as const;

/** The attributes at `from` (none yet: {}); ERR_NODE_STATE when something else is there. */
export function attributesAt(state: JsonObject, from: string, nodeType: string): JsonObject {
  const value = getStatePath(state, from) ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new WaymarkError(NODES_ERRORS.ERR_NODE_STATE, `${nodeType}: state "${from}" is not an object of attributes; change "from"`, {
      key: from,
    });
  return value;
}

/**
 * `user.create` — creates the user (AIC's Create Object) from the username at `username` and
 * the attributes at `from`, with the password `credentials.password` collected when there is
 * one (hashed with scrypt; the password then leaves `secrets`). `created` sets `state.sub` and
 * `state.username`; a username already taken is `conflict` (atomically: of two journeys
 * registering one name, one gets `conflict`). Needs a store with `create()` (memory, file,
 * Redis), else ERR_USER_STORE_CAPABILITY.
 *
 * @example
 * { "type": "user.create", "outcomes": { "created": "session", "conflict": "collect" } }
 */
export const userCreate = defineNode({
  type: 'user.create',
  version: 1,
  description: 'Creates a user from the collected username, attributes and password.',
  // The password credentials.password / credentials.collect keep.
  secretNamespace: 'credentials',
  config,
  outcomes: ['created', 'conflict'],
  async run(ctx, c) {
    const create = storeMethod(userStoreOf(ctx), 'create', 'user.create');
    const username = readRef(ctx, c.username);
    if (typeof username !== 'string' || username.trim() === '')
      throw new WaymarkError(
        NODES_ERRORS.ERR_NODE_STATE,
        `user.create: "${c.username}" holds no username; run credentials.username first or change "username"`,
        { key: c.username },
      );
    const attributes = attributesAt(ctx.state, c.from, 'user.create');
    const password = ctx.secrets.password;
    delete ctx.secrets.password;
    const passwordHash = password !== undefined ? await hashPassword(password) : undefined;
    const user = await create({ username: username.trim(), attributes, ...(passwordHash !== undefined ? { passwordHash } : {}) });
    if (!user) return { outcome: 'conflict', reason: 'username_taken' };
    ctx.state.sub = user.sub;
    ctx.state.username = user.username;
    return 'created';
  },
});
