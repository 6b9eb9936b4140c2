import { defineNode } from '@waymark/sdk';
import { storeMethod, subjectOf, userStoreOf } from './lib/user-steps.js';

/**
 * `login.count` — counts a successful login of the user in `state.sub` (AIC's Increment Login
 * Count): the store adds one to `loginCount` and sets `lastLoginAt` atomically, and the new
 * count is left in `state.loginCount` for a `decision` (a first-login notice, a progressive
 * profile every tenth login). An unknown subject is `done` with reason `unknown_user`. Needs a
 * store with `recordLogin()`, else ERR_USER_STORE_CAPABILITY.
 *
 * @example
 * { "type": "login.count", "outcomes": { "done": "session" } }
 */
export const loginCount = defineNode({
  type: 'login.count',
  version: 1,
  description: "Counts the user's successful login and records its time.",
  outcomes: ['done'],
  async run(ctx) {
    const record = storeMethod(userStoreOf(ctx), 'recordLogin', 'login.count');
    const count = await record(subjectOf(ctx, 'login.count'), ctx.services.clock.now());
    if (count === undefined) return { outcome: 'done', reason: 'unknown_user' };
    ctx.state.loginCount = count;
    return 'done';
  },
});
