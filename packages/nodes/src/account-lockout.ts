import { defineNode } from '@waymark/sdk';
import { failureCounter } from './credentials-verify.js';
import { storeMethod, subjectOf, userStoreOf } from './lib/user-steps.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    lock: {
      type: 'boolean',
      default: true,
      description: "true locks the user, false unlocks (and clears credentials.verify's failure count)",
    },
  },
} as const;

/**
 * `account.lockout` — locks (or unlocks) the user in `state.sub` in the user store (AIC's
 * Account Lockout). A locked user gets `locked` from `credentials.verify`, for the right
 * password, until a flow or an operator unlocks them; unlocking also clears the failure count
 * `credentials.verify` keeps for `state.username`. An unknown subject is `done` with reason
 * `unknown_user`. Needs a store with `setLocked()`, else ERR_USER_STORE_CAPABILITY.
 *
 * @example
 * { "type": "account.lockout", "config": { "lock": true }, "outcomes": { "done": "failure" } }
 */
export const accountLockout = defineNode({
  type: 'account.lockout',
  version: 1,
  description: 'Locks or unlocks the user in the user store.',
  config,
  outcomes: ['done'],
  async run(ctx, c) {
    const setLocked = storeMethod(userStoreOf(ctx), 'setLocked', 'account.lockout');
    const known = await setLocked(subjectOf(ctx, 'account.lockout'), c.lock);
    if (!known) return { outcome: 'done', reason: 'unknown_user' };
    if (!c.lock && typeof ctx.state.username === 'string') await ctx.services.stores.counters.reset(failureCounter(ctx.state.username));
    return { outcome: 'done', reason: c.lock ? 'locked' : 'unlocked' };
  },
});
