/*
 * The policy decision point (transactional authorization), free of HTTP: config, evaluation,
 * transactions. The endpoints (`endpoints/policies`) and the enforcement middleware (`pep`)
 * build on it.
 */
export { createPolicyDecisionPoint, transactionAction, TRANSACTION_ADVICE } from './pdp.js';
export type { PolicyDecisionPoint, PolicyDecisionPointOptions, PolicySubject, JwtSubjectResolver } from './pdp.js';
export { compilePolicyConfig } from './config.js';
export type { PolicyDecisionConfig, PolicySetConfig, PolicyConfig, SubjectConditionConfig, TransactionConditionConfig, PolicyAction, CompiledPolicy, CompiledPolicyConfig } from './config.js';
export { parseEvaluateRequest } from './evaluate-request.js';
export type { EvaluateRequest, EvaluateSubject, PolicyDecision } from './evaluate-request.js';
export { policyConfigSchema, POLICY_ACTIONS } from './schema.js';
export { POLICY_DEFAULTS } from './defaults.js';
export { canonicalResource, compileResourcePattern } from './resource-pattern.js';
export { POLICY_ERRORS, POLICY_HTTP, PolicyError, PolicyConfigError } from './errors.js';
export type { PolicyErrorCode, PolicyConfigProblem } from './errors.js';
export { jwtSubjectResolver } from './jwt-subject.js';
export type { JwtSubjectOptions } from './jwt-subject.js';
