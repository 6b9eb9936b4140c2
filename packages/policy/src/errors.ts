import { WaymarkError } from '@waymark/sdk';

/**
 * Codes raised by the policy decision point and by the enforcement points built on it. A
 * published code is never reused. A bad policy configuration is `ERR_CONFIG_INVALID` from
 * `@waymark/core` (`ConfigInvalidError`), like every Waymark configuration; this package's
 * former `ERR_POLICY_CONFIG` is retired. The HTTP adapter decides how each code is answered.
 */
export const POLICY_ERRORS = {
  /** An evaluate or step-up request is malformed; `details.field` names the part. */
  ERR_POLICY_REQUEST: 'ERR_POLICY_REQUEST',
  /** The subject asked for too many transactions in the window (separate from account lockout); `retryAfterSeconds` says when to retry. */
  ERR_TRANSACTION_RATE_LIMITED: 'ERR_TRANSACTION_RATE_LIMITED',
  /** No such transaction: it was used, expired, or never existed. */
  ERR_TRANSACTION_NOT_FOUND: 'ERR_TRANSACTION_NOT_FOUND',
  /** The caller's session is not the transaction's subject (or there is no session). */
  ERR_TRANSACTION_FORBIDDEN: 'ERR_TRANSACTION_FORBIDDEN',
  /** The step-up journey ended without success. */
  ERR_STEPUP_FAILED: 'ERR_STEPUP_FAILED',
  /** The options of an enforcement point (`requireTransaction`, a gateway route) are invalid. Start-up only. */
  ERR_PEP_CONFIG: 'ERR_PEP_CONFIG',
  /** No decision could be had (the decision point is down or answered badly, the subject's token issuer is unreachable): the enforcement point fails closed. */
  ERR_PDP_UNAVAILABLE: 'ERR_PDP_UNAVAILABLE',
} as const;

export type PolicyErrorCode = keyof typeof POLICY_ERRORS;

/**
 * An error of the policy layer, with a stable code.
 *
 * @example
 * throw new PolicyError('ERR_POLICY_REQUEST', 'resources must be a non-empty array of URLs', { field: 'resources' });
 */
export class PolicyError extends WaymarkError {
  declare readonly code: PolicyErrorCode;
  /** Seconds after which a retry may succeed (`ERR_TRANSACTION_RATE_LIMITED`); an HTTP answer sends it as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: PolicyErrorCode, message: string, details: Record<string, unknown> = {}, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(code, message, details, { cause: options.cause });
    this.name = 'PolicyError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Shorthand for a malformed request. */
export function badPolicyRequest(field: string, message: string): PolicyError {
  return new PolicyError('ERR_POLICY_REQUEST', `${field}: ${message}`, { field });
}
