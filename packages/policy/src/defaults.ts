/**
 * Every policy option that has a default, with the reason for it.
 */
export const POLICY_DEFAULTS = {
  /** Seconds a transaction waits for its step-up and single use: five minutes, like AIC's OTP collector; long enough to find a phone, short enough to bound replay. */
  transactionTtlSeconds: 300,
  /**
   * Transactions one subject may open per window. Counted apart from account lockout (risk
   * notes: transactional authorization never touches lockout counters); 20 per 5 minutes is far
   * above a person paying bills and far below a script hammering the OTP prompt.
   */
  transactionRateLimit: { max: 20, windowSeconds: 300 },
  /** Names of the transaction ids accepted in one re-evaluation (`environment.TxId`): AIC sends one; a few allow retries without a round trip. */
  maxTxIds: 4,
  /** Resources in one evaluate request: bounds the work one call can cause. */
  maxResources: 50,
} as const;
