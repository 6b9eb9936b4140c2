import { defineNode } from '@waymark/sdk';
import { hashPassword } from './users/password.js';
import { attributesAt } from './user-create.js';
import { readRef, REF_SCHEMA, STATE_PATH_SCHEMA, storeMethod, userStoreOf } from './lib/user-steps.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: {
      ...STATE_PATH_SCHEMA,
      default: 'attributes',
      description: 'The state object whose attributes are merged into the user (null removes one)',
    },
    sub: { ...REF_SCHEMA, default: 'state.sub', description: 'The subject of the user to change' },
    password: {
      type: 'boolean',
      default: false,
      description: 'Also set the password credentials.password collected (a reset or change flow)',
    },
  },
} as const;

/**
 * `user.update` — merges the attributes at `from` into the user `sub` (AIC's Patch Object); an
 * attribute set to `null` is removed. With `password: true` it also sets the password
 * `credentials.password` collected (hashed; it then leaves `secrets`). An unknown or missing
 * subject is `notFound`. Needs a store with `update()`, else ERR_USER_STORE_CAPABILITY.
 *
 * @example
 * { "type": "user.update", "config": { "from": "profile" }, "outcomes": { "updated": "done", "notFound": "failure" } }
 */
export const userUpdate = defineNode({
  type: 'user.update',
  version: 1,
  description: 'Changes the attributes (and optionally the password) of an existing user.',
  secretNamespace: 'credentials',
  config,
  outcomes: ['updated', 'notFound'],
  async run(ctx, c) {
    const update = storeMethod(userStoreOf(ctx), 'update', 'user.update');
    const password = ctx.secrets.password;
    if (c.password) delete ctx.secrets.password;
    const sub = readRef(ctx, c.sub);
    if (typeof sub !== 'string' || sub === '') return { outcome: 'notFound', reason: 'no_subject' };
    const attributes = attributesAt(ctx.state, c.from, 'user.update');
    const passwordHash = c.password && password !== undefined ? await hashPassword(password) : undefined;
    const user = await update(sub, { attributes, ...(passwordHash !== undefined ? { passwordHash } : {}) });
    if (!user) return { outcome: 'notFound', reason: 'unknown_user' };
    return 'updated';
  },
});
