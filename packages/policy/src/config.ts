import { compileConfigSchema, ConfigInvalidError, type ConfigProblem } from '@waymark/core';
import { POLICY_DEFAULTS } from './defaults.js';
import { compileResourcePattern } from './resource-pattern.js';
import { policyConfigSchema, type POLICY_ACTIONS } from './schema.js';

export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** A subject condition: who the policy applies to. */
export interface SubjectConditionConfig {
  /** AIC's "Authenticated Users": any live session or validated token. */
  type: 'AuthenticatedUsers';
  /** Only these subjects (`sub`). */
  subs?: string[];
  /** Only subjects whose claims hold one of the listed values for every named claim. */
  claims?: Record<string, (string | number | boolean)[]>;
}

/** A transaction condition: the decision needs a fresh step-up journey, once per use. */
export interface TransactionConditionConfig {
  type: 'Transaction';
  /** The step-up flow id the advice sends the user through (`transactional-stepup`). */
  flow: string;
  /** Seconds the transaction lives; default `transactionTtlSeconds`. */
  ttlSeconds?: number;
}

export interface PolicyConfig {
  name: string;
  description?: string;
  /** URL patterns; `*` matches any run of characters. */
  resources: string[];
  /** HTTP methods this policy allows (once its conditions hold). */
  actions: PolicyAction[];
  subject: SubjectConditionConfig;
  condition?: TransactionConditionConfig;
}

export interface PolicySetConfig {
  /** The `application` a request names to evaluate against this set alone. */
  name: string;
  description?: string;
  policies: PolicyConfig[];
}

/**
 * The policy configuration (JSON), as AIC models it: policy sets holding policies of
 * resources, actions, a subject condition and an optional transaction condition.
 */
export interface PolicyDecisionConfig {
  policySets: PolicySetConfig[];
  /** Default 300 (see POLICY_DEFAULTS). */
  transactionTtlSeconds?: number;
  /** Default `{ max: 20, windowSeconds: 300 }` per subject. */
  transactionRateLimit?: { max: number; windowSeconds: number };
}

/** A policy ready to evaluate. */
export interface CompiledPolicy {
  readonly set: string;
  readonly name: string;
  readonly patterns: readonly RegExp[];
  readonly actions: readonly PolicyAction[];
  readonly subject: Readonly<SubjectConditionConfig>;
  readonly condition: Readonly<Required<TransactionConditionConfig>> | undefined;
}

export interface CompiledPolicyConfig {
  readonly policies: readonly CompiledPolicy[];
  readonly sets: ReadonlySet<string>;
  readonly transactionTtlSeconds: number;
  readonly transactionRateLimit: Readonly<{ max: number; windowSeconds: number }>;
  /** Every step-up flow a condition names (checked against the engine at start-up). */
  readonly flows: ReadonlySet<string>;
}

/** What every policy configuration error says it is about. */
const SUBJECT = 'policy configuration';

/* Compiled once, with core's validator: a bad policy configuration fails like every other Waymark configuration. */
const schema = compileConfigSchema<PolicyDecisionConfig>(policyConfigSchema, SUBJECT);

function problem(pointer: string, message: string): ConfigProblem {
  return { code: 'ERR_CONFIG_INVALID', pointer, message };
}

/**
 * Validates a policy configuration and compiles its resource patterns. Every problem is
 * reported at once in one `ERR_CONFIG_INVALID` ({@link ConfigInvalidError} of `@waymark/core`),
 * each with the JSON pointer of its field and the fix.
 *
 * @example
 * const compiled = compilePolicyConfig(JSON.parse(readFileSync('policies.json', 'utf8')));
 */
export function compilePolicyConfig(input: unknown): CompiledPolicyConfig {
  const config = structuredClone(input) as PolicyDecisionConfig;
  const problems = schema.problems(config);
  if (problems.length > 0) throw new ConfigInvalidError(SUBJECT, problems);

  const ttl = config.transactionTtlSeconds ?? POLICY_DEFAULTS.transactionTtlSeconds;
  const policies: CompiledPolicy[] = [];
  const setNames = new Set<string>();
  const flows = new Set<string>();
  config.policySets.forEach((set, i) => {
    if (setNames.has(set.name)) problems.push(problem(`/policySets/${i}/name`, `"${set.name}" is used by another policy set: give each set a unique name`));
    setNames.add(set.name);
    const policyNames = new Set<string>();
    set.policies.forEach((policy, j) => {
      const at = `/policySets/${i}/policies/${j}`;
      if (policyNames.has(policy.name)) problems.push(problem(`${at}/name`, `"${policy.name}" is used by another policy of this set: give each policy a unique name`));
      policyNames.add(policy.name);
      const patterns: RegExp[] = [];
      policy.resources.forEach((resource, k) => {
        const compiled = compileResourcePattern(resource);
        if (compiled) patterns.push(compiled);
        else problems.push(problem(`${at}/resources/${k}`, `${JSON.stringify(resource.slice(0, 40))} is not a URL pattern: use an absolute http(s) URL pattern such as "https://api.example.com:443/payments/*" (no credentials, "*" not in the port)`));
      });
      if (policy.condition) flows.add(policy.condition.flow);
      policies.push({
        set: set.name,
        name: policy.name,
        patterns,
        actions: policy.actions,
        subject: policy.subject,
        condition: policy.condition && { type: 'Transaction', flow: policy.condition.flow, ttlSeconds: policy.condition.ttlSeconds ?? ttl },
      });
    });
  });
  if (problems.length > 0) throw new ConfigInvalidError(SUBJECT, problems);
  return Object.freeze({
    policies,
    sets: setNames,
    transactionTtlSeconds: ttl,
    transactionRateLimit: config.transactionRateLimit ?? POLICY_DEFAULTS.transactionRateLimit,
    flows,
  });
}
