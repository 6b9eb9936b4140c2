/**
 * @waymark/nodes — the built-in node types, one file each.
 */
import type { NodeType } from '@waymark/sdk';
import { cookieClear } from './cookie-clear.js';
import { cookiePersistentCheck } from './cookie-persistent-check.js';
import { cookiePersistentSet } from './cookie-persistent-set.js';
import { ipMatch } from './ip-match.js';
import { redirect } from './redirect.js';
import { sessionCheck } from './session-check.js';
import { sessionCreate } from './session-create.js';
import { riskEvaluate } from './risk-evaluate.js';
import { riskFeedback } from './risk-feedback.js';
import { credentialsCollect } from './credentials-collect.js';
import { credentialsVerify } from './credentials-verify.js';
import { otpChallenge } from './otp-challenge.js';
import { tokenValidate } from './token-validate.js';
import { decision } from './decision.js';
import { message } from './message.js';
import { credentialsUsername } from './credentials-username.js';
import { credentialsPassword } from './credentials-password.js';
import { userIdentify } from './user-identify.js';
import { attributesCollect } from './attributes-collect.js';
import { termsAccept } from './terms-accept.js';
import { userCreate } from './user-create.js';
import { userUpdate } from './user-update.js';
import { loginCount } from './login-count.js';
import { retryLimit } from './retry-limit.js';
import { accountLockout } from './account-lockout.js';
import { waitPoll } from './wait-poll.js';
import { idpSelect } from './idp-select.js';
import { expression } from './expression.js';
import { stateSet } from './state-set.js';

export { NODES_ERRORS } from './errors.js';
export type { NodesErrorCode } from './errors.js';

export { cookieClear } from './cookie-clear.js';
export { cookiePersistentCheck } from './cookie-persistent-check.js';
export { cookiePersistentSet } from './cookie-persistent-set.js';
export { ipMatch } from './ip-match.js';
export { redirect } from './redirect.js';
export { sessionCheck } from './session-check.js';
export { sessionCreate } from './session-create.js';
export { tokenValidate } from './token-validate.js';
export { decision } from './decision.js';
export { message } from './message.js';
export { waitPoll } from './wait-poll.js';
export { idpSelect } from './idp-select.js';
export { expression } from './expression.js';
export { stateSet } from './state-set.js';
export { checkExpression, MAX_EXPRESSION_LENGTH } from './lib/expression-language.js';
export type { ExpressionError } from './lib/expression-language.js';

export { riskEvaluate, actionOutcome } from './risk-evaluate.js';
export { riskFeedback } from './risk-feedback.js';
export { LocalRiskProvider } from './risk/local-provider.js';
export type { LocalRiskProviderInit } from './risk/local-provider.js';
export { HttpRiskProvider } from './risk/http-provider.js';
export type { HttpRiskProviderInit } from './risk/http-provider.js';
export { RiskProviderError } from './risk/provider.js';
export type {
  RiskProvider,
  RiskEvaluation,
  RiskInput,
  RiskLevel,
  RiskPredictorDetail,
  RiskCallOptions,
  RiskErrorCode,
  CompletionStatus,
  SecretSource,
} from './risk/provider.js';
export { LOCAL_RISK_DEFAULTS } from './risk/defaults.js';
export { locateIp, haversineKm } from './risk/geo.js';
export { countryCentroid } from './risk/centroids.js';

export { credentialsCollect } from './credentials-collect.js';
export { credentialsVerify } from './credentials-verify.js';
export type { UserStore, UserRecord, NewUser, UserUpdate } from './users/user-store.js';
export { FileUserStore, parseUsersFile, normaliseUsername } from './users/file-user-store.js';
export { MemoryUserStore } from './users/memory-user-store.js';
export { credentialsUsername } from './credentials-username.js';
export { credentialsPassword } from './credentials-password.js';
export { userIdentify } from './user-identify.js';
export { attributesCollect } from './attributes-collect.js';
export { termsAccept } from './terms-accept.js';
export { userCreate } from './user-create.js';
export { userUpdate } from './user-update.js';
export { loginCount } from './login-count.js';
export { retryLimit } from './retry-limit.js';
export { accountLockout } from './account-lockout.js';
export { hashPassword, verifyPassword, SCRYPT_DEFAULTS } from './users/password.js';
export type { ScryptParams } from './users/password.js';

export { otpChallenge } from './otp-challenge.js';
export { ConsoleNotifier, WebhookNotifier } from './otp/notifier.js';
export type { Notifier, OtpMessage, WebhookNotifierInit } from './otp/notifier.js';
export { generateTotp, verifyTotp } from './otp/totp.js';
export type { TotpOptions, TotpAlgorithm } from './otp/totp.js';

/** Every built-in node type, for `NodeRegistry` and the CLI. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node config types vary per node
export const builtinNodes: NodeType<any>[] = [
  message,
  decision,
  expression,
  stateSet,
  tokenValidate,
  cookieClear,
  cookiePersistentCheck,
  cookiePersistentSet,
  ipMatch,
  redirect,
  sessionCheck,
  sessionCreate,
  riskEvaluate,
  riskFeedback,
  credentialsCollect,
  credentialsVerify,
  otpChallenge,
  credentialsUsername,
  credentialsPassword,
  userIdentify,
  attributesCollect,
  termsAccept,
  userCreate,
  userUpdate,
  loginCount,
  retryLimit,
  accountLockout,
  waitPoll,
  idpSelect,
];
