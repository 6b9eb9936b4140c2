import { WaymarkError } from '@waymark/sdk';

/**
 * Codes raised by the policy decision point, its endpoints and the enforcement middleware. A
 * published code is never reused. `POLICY_HTTP` says how the endpoints answer each one.
 */
export const POLICY_ERRORS = {
  /** The policy configuration is invalid; `details.problems` names each field and its fix. Start-up only. */
  ERR_POLICY_CONFIG: 'ERR_POLICY_CONFIG',
  /** An evaluate or step-up request is malformed; `details.field` names the part. */
  ERR_POLICY_REQUEST: 'ERR_POLICY_REQUEST',
  /** The subject asked for too many transactions in the window (separate from account lockout). */
  ERR_TRANSACTION_RATE_LIMITED: 'ERR_TRANSACTION_RATE_LIMITED',
  /** No such transaction: it was used, expired, or never existed. */
  ERR_TRANSACTION_NOT_FOUND: 'ERR_TRANSACTION_NOT_FOUND',
  /** The caller's session is not the transaction's subject (or there is no session). */
  ERR_TRANSACTION_FORBIDDEN: 'ERR_TRANSACTION_FORBIDDEN',
  /** The step-up journey ended without success. */
  ERR_STEPUP_FAILED: 'ERR_STEPUP_FAILED',
  /** `requireTransaction` options are invalid. Start-up only. */
  ERR_PEP_CONFIG: 'ERR_PEP_CONFIG',
  /** The enforcement point could not get a decision (PDP down, bad answer): it fails closed. */
  ERR_PDP_UNAVAILABLE: 'ERR_PDP_UNAVAILABLE',
} as const;

export type PolicyErrorCode = keyof typeof POLICY_ERRORS;

/** How the policy endpoints answer each request code (status and OAuth-style `error`). */
export const POLICY_HTTP: Readonly<Record<string, { status: number; error: string }>> = {
  ERR_POLICY_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_TRANSACTION_RATE_LIMITED: { status: 429, error: 'temporarily_unavailable' },
  ERR_TRANSACTION_NOT_FOUND: { status: 404, error: 'invalid_request' },
  ERR_TRANSACTION_FORBIDDEN: { status: 403, error: 'access_denied' },
  ERR_STEPUP_FAILED: { status: 401, error: 'access_denied' },
  ERR_PDP_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },
};

/** One problem of a policy configuration. */
export interface PolicyConfigProblem {
  /** JSON pointer of the offending field, `/policySets/0/policies/1/resources/0`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/**
 * An error of the policy layer, with a stable code.
 *
 * @example
 * throw new PolicyError('ERR_POLICY_REQUEST', 'resources must be a non-empty array of URLs', { field: 'resources' });
 */
export class PolicyError extends WaymarkError {
  readonly headers: Readonly<Record<string, string>>;
  constructor(code: PolicyErrorCode, message: string, details: Record<string, unknown> = {}, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, details, { cause: options.cause });
    this.name = 'PolicyError';
    this.headers = options.headers ?? {};
  }
}

/** Thrown at start-up when the policy configuration is invalid; lists every problem at once. */
export class PolicyConfigError extends PolicyError {
  readonly problems: readonly PolicyConfigProblem[];
  constructor(problems: PolicyConfigProblem[]) {
    super(
      'ERR_POLICY_CONFIG',
      `policy configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.field || '/'}: ${p.message}`).join('\n'),
      { problems },
    );
    this.name = 'PolicyConfigError';
    this.problems = problems;
  }
}

/** Shorthand for a malformed request. */
export function badPolicyRequest(field: string, message: string): PolicyError {
  return new PolicyError('ERR_POLICY_REQUEST', `${field}: ${message}`, { field });
}
