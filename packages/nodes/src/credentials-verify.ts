import { WaymarkError, defineNode, type NodeContext } from '@waymark/sdk';
import { fileUserStore, normaliseUsername } from './users/file-user-store.js';
import { dummyVerify, verifyPassword } from './users/password.js';
import type { UserStore } from './users/user-store.js';
import { NODES_ERRORS } from './errors.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxAttempts: { type: 'integer', minimum: 1, default: 5, description: 'Failed attempts per username before it is locked' },
    lockoutSeconds: { type: 'integer', minimum: 1, default: 900, description: 'How long failures count, from the first one (15 minutes)' },
    usersFile: { type: 'string', minLength: 1, description: 'A users JSON file, used when services.users is not wired' },
  },
} as const;

/** The user directory: `services.users`, else the `usersFile` of the config. */
export function userStoreOf(ctx: NodeContext, usersFile: string | undefined): UserStore {
  if (ctx.services.users) return ctx.services.users;
  if (usersFile !== undefined) return fileUserStore(usersFile);
  throw new WaymarkError(NODES_ERRORS.ERR_NO_USER_STORE, 'no user store: wire services.users or set "usersFile" in the node config', { key: 'usersFile' });
}

/**
 * `credentials.verify` — checks `state.username` and `secrets.password` (from
 * `credentials.collect`) against the user store. scrypt hashes, constant-time comparison, a
 * dummy hash for unknown users (timing does not reveal who exists), and a lockout counter per
 * username that unknown usernames share the behaviour of. On `valid` it sets `state.sub` and
 * resets the counter. The password leaves `secrets` whatever the outcome.
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
    const username = ctx.state.username;
    if (typeof username !== 'string' || username === '' || password === undefined) return { outcome: 'invalid', reason: 'missing' };

    const counter = `credentials:failures:${encodeURIComponent(normaliseUsername(username))}`;
    const counters = ctx.services.stores.counters;
    if ((await counters.get(counter)) >= c.maxAttempts) return { outcome: 'locked', reason: 'locked' };

    const users = userStoreOf(ctx, c.usersFile);
    const user = await users.findByUsername(username);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await dummyVerify(password);
    if (ok && user) {
      await counters.reset(counter);
      ctx.state.sub = user.sub;
      ctx.state.username = user.username;
      return 'valid';
    }
    // Unknown usernames count and lock like known ones: the outcome never tells them apart.
    const failures = await counters.increment(counter, c.lockoutSeconds);
    if (failures >= c.maxAttempts) return { outcome: 'locked', reason: 'max_attempts' };
    return { outcome: 'invalid', reason: 'bad_credentials' };
  },
});
