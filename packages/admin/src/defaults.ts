import type { RateLimitSpec } from '@waymark/sdk';

/** Every option of `createAdminRouter` that has a default, with the reason for it. */
export const ADMIN_DEFAULTS = {
  /** Read-only: changing flows and clients at run time is opt-in (`writes: true`). */
  writes: false,
  /** Unknown deployments are treated as production: writes there need a second, explicit yes. */
  mode: 'production' as 'production' | 'development',
  /** Production refuses writes unless this is true: a live system changes through review, not a console. */
  allowWritesInProduction: false,
  /** The scope of every read (GETs and `POST /flows/validate`). */
  readScope: 'waymark:admin:read',
  /** The scope of every change. */
  writeScope: 'waymark:admin:write',
  /**
   * Requests per token subject and source IP: 600 a minute is ten a second, more than a console
   * or a CI job needs, and bounds what a leaked token can read before it expires.
   */
  rateLimit: { max: 600, windowSeconds: 60 } as Omit<RateLimitSpec, 'name'>,
  /** Largest request body: a flow with a few hundred nodes fits; anything larger is not a flow a person reviews. */
  bodyLimit: 256 * 1024,
  /** RFC 6750 §3: the realm of `WWW-Authenticate`. */
  realm: 'waymark-admin',
} as const;
