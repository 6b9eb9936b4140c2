/**
 * @waymark/policy — transactional authorization, free of HTTP: the policy configuration and its
 * schema, the decision point (evaluate, transactions, allow once), subject resolution (a
 * Waymark session or a bearer JWT access token) and the step-up completion. Every enforcement
 * point builds on it: the adapter's endpoints and `requireTransaction`, and the gateway.
 */

// The decision point: evaluate a request (a TxId in its environment is consumed, atomically), check a transaction, authenticate it after a step-up.
export { createPolicyDecisionPoint, transactionAction, TRANSACTION_ADVICE } from './pdp.js';
export type { PolicyDecisionPoint, PolicyDecisionPointOptions, PolicyEvaluator, PolicySubject, JwtSubjectResolver, DecisionContext } from './pdp.js';
export { completeStepUp } from './step-up.js';

// The request and decision shapes (AIC's `_action=evaluate`).
export { parseEvaluateRequest, evaluateRequestSchema, policyDecisionSchema } from './evaluate-request.js';
export type { EvaluateRequest, EvaluateSubject, PolicyDecision } from './evaluate-request.js';

// Subject resolution from a bearer JWT access token (through @waymark/access-token).
export { jwtSubjectResolver } from './jwt-subject.js';
export type { JwtSubjectOptions } from './jwt-subject.js';

// The configuration: schema, compilation, resource patterns, defaults.
export { compilePolicyConfig } from './config.js';
export type { PolicyDecisionConfig, PolicySetConfig, PolicyConfig, SubjectConditionConfig, TransactionConditionConfig, PolicyAction, CompiledPolicy, CompiledPolicyConfig } from './config.js';
export { policyConfigSchema, POLICY_ACTIONS } from './schema.js';
export { canonicalResource, compileResourcePattern } from './resource-pattern.js';
export { POLICY_DEFAULTS } from './defaults.js';

// Errors.
export { POLICY_ERRORS, PolicyError, badPolicyRequest } from './errors.js';
export type { PolicyErrorCode } from './errors.js';
