import { WaymarkError } from '@waymark/sdk';

/**
 * Every code `@waymark/admin` raises. A published code is never reused. Request codes are
 * answered through the one error table of `@waymark/http` (`ERROR_ANSWERS`: status, OAuth
 * `error`); the admin API adds `code` and, for a refused flow or client, `problems`.
 */
export const ADMIN_ERRORS = {
  /** An option of `createAdminRouter` is invalid; `details.option` names it (start-up). */
  ERR_ADMIN_OPTIONS: 'ERR_ADMIN_OPTIONS',
  /** No bearer token came (RFC 6750 §3.1): 401 with `WWW-Authenticate: Bearer`. Send `Authorization: Bearer <access token>`. */
  ERR_ADMIN_TOKEN_MISSING: 'ERR_ADMIN_TOKEN_MISSING',
  /** The bearer token was refused (issuer not trusted, signature, audience, expiry…; `details.reason`): 401 `invalid_token`. */
  ERR_ADMIN_TOKEN_INVALID: 'ERR_ADMIN_TOKEN_INVALID',
  /** The token issuer's key set could not be fetched: 503, retry later (fail closed). */
  ERR_ADMIN_ISSUER_UNAVAILABLE: 'ERR_ADMIN_ISSUER_UNAVAILABLE',
  /** The token lacks the scope the route needs (`waymark:admin:read` or `waymark:admin:write`): 403 `insufficient_scope` (RFC 6750 §3.1). */
  ERR_ADMIN_INSUFFICIENT_SCOPE: 'ERR_ADMIN_INSUFFICIENT_SCOPE',
  /** A change while the admin API is read-only: 403; set `admin.writes` to true to allow changes. */
  ERR_ADMIN_READ_ONLY: 'ERR_ADMIN_READ_ONLY',
  /** A change in production mode without `admin.allowWritesInProduction`: 403. */
  ERR_ADMIN_WRITES_IN_PRODUCTION: 'ERR_ADMIN_WRITES_IN_PRODUCTION',
  /** Too many admin requests from one token subject and source IP: 429 with `Retry-After`. */
  ERR_ADMIN_RATE_LIMITED: 'ERR_ADMIN_RATE_LIMITED',
  /** No such route, flow, flow version, client, journey or node type: 404. */
  ERR_ADMIN_NOT_FOUND: 'ERR_ADMIN_NOT_FOUND',
  /** A malformed request: a query parameter, `If-Match`, a path id that differs from the body's, a body that is not JSON; `details.field` names it. */
  ERR_ADMIN_BAD_REQUEST: 'ERR_ADMIN_BAD_REQUEST',
  /** A flow was refused by validation (nothing saved): 400 with `problems` (code, pointer, message), as `waymark validate` prints them. */
  ERR_ADMIN_FLOW_INVALID: 'ERR_ADMIN_FLOW_INVALID',
  /** A client was refused by validation (nothing saved): 400 with `problems` naming each field and its fix, as at start-up. */
  ERR_ADMIN_CLIENT_INVALID: 'ERR_ADMIN_CLIENT_INVALID',
  /** Compare-and-set lost (another writer changed the flow or client since it was read), or the id exists already: 409; read it again and retry. */
  ERR_ADMIN_CONFLICT: 'ERR_ADMIN_CONFLICT',
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/**
 * An error the admin API answers over HTTP (through `@waymark/http`'s table). `headers` are
 * added to the answer (`WWW-Authenticate`, `Retry-After`); `details.problems`, when present, is
 * sent as `problems`. The message names the field and the fix, never a value of a secret.
 *
 * @example
 * throw new AdminError('ERR_ADMIN_NOT_FOUND', 'no flow "login": list the flows with GET /admin/v1/flows', { field: 'id' });
 */
export class AdminError extends WaymarkError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: AdminErrorCode, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(code, message, details);
    this.name = 'AdminError';
    this.headers = headers;
  }
}

/** Thrown by `createAdminRouter` when an option is invalid. */
export class AdminOptionsError extends WaymarkError {
  constructor(option: string, message: string) {
    super('ERR_ADMIN_OPTIONS', `createAdminRouter: option "${option}": ${message}`, { option });
    this.name = 'AdminOptionsError';
  }
}

/** 400 naming the field (a query parameter, a header, a body member) and the fix. */
export function badRequest(field: string, message: string): AdminError {
  return new AdminError('ERR_ADMIN_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** 404 naming what is missing. */
export function notFound(message: string): AdminError {
  return new AdminError('ERR_ADMIN_NOT_FOUND', message);
}

/** 409: another writer won. */
export function conflict(message: string, details: Record<string, unknown> = {}): AdminError {
  return new AdminError('ERR_ADMIN_CONFLICT', message, details);
}
