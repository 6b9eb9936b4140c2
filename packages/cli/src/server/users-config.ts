import type { UserStore } from '@waymark/sdk';
import { FileUserStore, MemoryUserStore } from '@waymark/nodes';
import { RedisUserStore, type RedisClient } from '@waymark/redis';
import { ConfigInvalidError } from '@waymark/core';

/* Not config.ts's configError: config.ts imports this module (the schema), and a cycle would not be worth it. */
const configError = (pointer: string, message: string) =>
  new ConfigInvalidError('config', [{ code: 'ERR_CONFIG_INVALID', pointer, message }]);

/** Which user store `services.userStore` picks. */
export type UserStoreKind = 'file' | 'memory' | 'redis';

/** The `services.userStore` setting of the serve config schema. */
export const userStoreSetting = {
  enum: ['file', 'memory', 'redis'],
  description:
    'the user store of the credentials.*, user.*, login.count and account.lockout nodes: "file" (services.usersFile; the default when it is set), "memory" (empty at each start: trying out registration flows) or "redis" (the stores\' Redis, shared by every process)',
} as const;

/**
 * The user store `services` asks for, or undefined when none is configured. `file` needs
 * `usersFile`, `redis` needs Redis stores (`redis` or WAYMARK_REDIS_URL): otherwise
 * ERR_CONFIG_INVALID naming `/services/userStore` and the fix.
 *
 * @example
 * userStoreOf({ userStore: 'redis' }, { client, prefix: 'waymark:' }); // RedisUserStore
 */
export function userStoreOf(
  services: { usersFile?: string; userStore?: UserStoreKind },
  redis: { client: RedisClient; prefix: string } | undefined,
): UserStore | undefined {
  const kind = services.userStore ?? (services.usersFile !== undefined ? 'file' : undefined);
  switch (kind) {
    case undefined:
      return undefined;
    case 'file':
      if (services.usersFile === undefined)
        throw configError('/services/userStore', 'is "file" but services.usersFile is not set: name the users JSON file in "usersFile"');
      return new FileUserStore(services.usersFile);
    case 'memory':
      return new MemoryUserStore();
    case 'redis':
      if (!redis)
        throw configError(
          '/services/userStore',
          'is "redis" but the stores are in memory: set "redis" (or WAYMARK_REDIS_URL), or pick "file" or "memory"',
        );
      return new RedisUserStore({ redis: redis.client, prefix: redis.prefix });
  }
}
