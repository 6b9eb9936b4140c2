import { defineNode } from '@waymark/sdk';
import { readRef, REF_SCHEMA, storeMethod, userStoreOf } from './lib/user-steps.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attribute: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_.-]+$',
      default: 'username',
      description: 'What to look the user up by: "username" (case-insensitive), "sub" or any attribute ("mail")',
    },
    from: { ...REF_SCHEMA, default: 'state.username', description: 'Where the value to look up is: state.username, params.login_hint, …' },
  },
} as const;

/**
 * `user.identify` — finds an existing user (AIC's Identify Existing User) by username, subject
 * or an attribute, with the value at `from`. Found: sets `state.sub` and `state.username`. An
 * empty or missing value is `notFound` (reason `no_value`). It tells whether a user exists, as
 * a registration flow must: put it behind a rate limit or a CAPTCHA in public flows. A store
 * without `findByAttribute` fails with ERR_USER_STORE_CAPABILITY for attributes other than
 * username.
 *
 * @example
 * { "type": "user.identify", "config": { "attribute": "mail", "from": "state.attributes.mail" },
 *   "outcomes": { "found": "login", "notFound": "register" } }
 */
export const userIdentify = defineNode({
  type: 'user.identify',
  version: 1,
  description: 'Looks up an existing user by username or an attribute; sets state.sub and state.username when found.',
  config,
  outcomes: ['found', 'notFound'],
  async run(ctx, c) {
    const value = readRef(ctx, c.from);
    if (!((typeof value === 'string' && value !== '' && value.length <= 1024) || typeof value === 'number' || typeof value === 'boolean'))
      return { outcome: 'notFound', reason: 'no_value' };
    const users = userStoreOf(ctx);
    const user =
      c.attribute === 'username' && typeof value === 'string'
        ? await users.findByUsername(value)
        : c.attribute === 'sub' && typeof value === 'string' && users.findBySub
          ? await users.findBySub(value)
          : await storeMethod(users, 'findByAttribute', 'user.identify')(c.attribute, value);
    if (!user) return { outcome: 'notFound', reason: 'unknown_user' };
    ctx.state.sub = user.sub;
    ctx.state.username = user.username;
    return 'found';
  },
});
