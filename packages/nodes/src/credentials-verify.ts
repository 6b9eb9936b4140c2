import { defineNode } from '@waymark/sdk';
import { normaliseUsername } from './users/user-store.js';
import { dummyVerify, verifyPassword } from './users/password.js';
import { userStoreOf } from './lib/user-steps.js';
import { REFUSED } from './credentials-collect.js';

export { userStoreOf } from './lib/user-steps.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxAttempts: { type: 'integer', minimum: 1, default: 5, description: 'Failed attempts per username before it is locked' },
    lockoutSeconds: { type: 'integer', minimum: 1, default: 900, description: 'How long failures count, from the first one (15 minutes)' },
    usersFile: { type: 'string', minLength: 1, description: 'A users JSON file, used when services.users is not wired' },
    subjectFrom: {
      type: 'string',
      minLength: 1,
      description: 'State key of the subject the credentials must belong to (a step-up: "sub"); another user\'s credentials count as wrong ones',
    },
  },
} as const;

/** The counter of failed attempts for a username (account.lockout clears it on unlock). */
export function failureCounter(username: string): string {
  return `credentials:failures:${encodeURIComponent(normaliseUsername(username))}`;
}

/**
 * `credentials.verify` — checks `state.username` and `secrets.password` (from
 * `credentials.collect`) against the user store. scrypt hashes, constant-time comparison, a
 * dummy hash for unknown users (timing does not reveal who exists), and a lockout counter per
 * username that unknown usernames share the behaviour of. On `valid` it sets `state.sub` and
 * resets the counter. The password leaves `secrets` whatever the outcome. With `subjectFrom`
 * (a step-up) only the credentials of the subject in `state[subjectFrom]` are valid.
 *
 * It is the data-store decision of imported journeys, and it honours the store's lockout: a
 * user locked by `account.lockout` gets `locked` (reason `account_locked`) for the RIGHT
 * password only; a wrong one is `invalid` as for anyone, so `locked` never tells a guesser
 * that a name exists. A user without a password (registered without one) is never valid.
 *
 * @example
 * { "type": "credentials.verify", "config": { "maxAttempts": 5 },
 *   "outcomes": { "valid": "risk", "invalid": "collect", "locked": "failure" } }
 */
export const credentialsVerify = defineNode({
  type: 'credentials.verify',
  version: 1,
  description: 'Verifies the collected username and password against the user store, with lockout after repeated failures.',
  config,
  outcomes: ['valid', 'invalid', 'locked'],
  async run(ctx, c) {
    const password = ctx.secrets.password;
    delete ctx.secrets.password;
    delete ctx.secrets[REFUSED];
    const username = ctx.state.username;
    if (typeof username !== 'string' || username === '' || password === undefined) return { outcome: 'invalid', reason: 'missing' };
    const expected = c.subjectFrom === undefined ? undefined : ctx.state[c.subjectFrom];
    if (c.subjectFrom !== undefined && (typeof expected !== 'string' || expected === '')) return { outcome: 'invalid', reason: 'no_subject' };

    const counter = failureCounter(username);
    const counters = ctx.services.stores.counters;
    if ((await counters.get(counter)) >= c.maxAttempts) return { outcome: 'locked', reason: 'locked' };

    const users = userStoreOf(ctx, c.usersFile);
    const found = await users.findByUsername(username);
    // Another user than the one to step up is treated as unknown: same work, outcome and reason,
    // so the answer never tells whether that user's password was right.
    const user = found && (expected === undefined || found.sub === expected) ? found : undefined;
    const ok = user?.passwordHash !== undefined ? await verifyPassword(password, user.passwordHash) : await dummyVerify(password);
    if (ok && user?.locked === true) return { outcome: 'locked', reason: 'account_locked' };
    if (ok && user) {
      await counters.reset(counter);
      ctx.state.sub = user.sub;
      ctx.state.username = user.username;
      return 'valid';
    }
    // Unknown usernames count and lock like known ones: the outcome never tells them apart.
    const failures = await counters.increment(counter, c.lockoutSeconds);
    if (failures >= c.maxAttempts) return { outcome: 'locked', reason: 'max_attempts' };
    // credentials.collect, when the flow asks again, says why.
    ctx.secrets[REFUSED] = 'bad_credentials';
    return { outcome: 'invalid', reason: 'bad_credentials' };
  },
});
