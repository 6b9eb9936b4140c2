import { randomBytes } from 'node:crypto';
import type { Auditor } from '@waymark/core';
import type { Clock, JsonObject, JsonValue, RateLimiterFactory, Stores, Transaction } from '@waymark/sdk';
import { compilePolicyConfig, type CompiledPolicy, type CompiledPolicyConfig } from './config.js';
import { badPolicyRequest, PolicyError } from './errors.js';
import { parseEvaluateRequest, type EvaluateRequest, type EvaluateSubject, type PolicyDecision } from './evaluate-request.js';
import { canonicalResource } from './resource-pattern.js';

/** The subject a decision is made for. */
export interface PolicySubject {
  sub: string;
  /** Claims the subject conditions may test (session `data`, `acr`, `amr`; or the JWT's claims). */
  claims: JsonObject;
}

/**
 * Extension point for `subject.jwt`: validate the token (issuer, audience, algorithms, expiry)
 * and return its subject, or undefined when it is not acceptable. Without it, JWT subjects are
 * refused with `ERR_POLICY_REQUEST`.
 */
export type JwtSubjectResolver = (jwt: string) => Promise<PolicySubject | undefined>;

export interface PolicyDecisionPointOptions {
  stores: Pick<Stores, 'sessions' | 'transactions' | 'counters'>;
  clock: Clock;
  resolveJwt?: JwtSubjectResolver;
  /**
   * Where the per-subject transaction limit (`transactionRateLimit`) counts: a rate limiter
   * factory (`createMemoryRateLimiters` of @waymark/http, `createRedisRateLimiters` of
   * @waymark/redis; the router passes its own), whose `Retry-After` is the time left in the
   * subject's window. Without it, `stores.counters` counts, and `Retry-After` is the whole window.
   */
  rateLimiters?: RateLimiterFactory;
  /**
   * Records a `policy.decision` audit event per resource decided: `permit`, `deny`, or `advice`
   * with the transaction id the step-up completes (the router passes its own auditor).
   */
  audit?: Auditor;
}

/** What an enforcement point knows of the request a decision is for: its audit events say it. */
export interface DecisionContext {
  requestId?: string | undefined;
  /** The enforcement point (the service client that asked). */
  client_id?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * One `policy.decision` event: `advice` (the first transaction id it opened), `permit` (some
 * action allowed) or `deny`. The subject's `ssoToken` or JWT is never in it: its `sub` only.
 */
function auditDecision(audit: Auditor, decision: PolicyDecision, subject: PolicySubject | undefined, application: string | undefined, context: DecisionContext): void {
  const advice = decision.advices[TRANSACTION_ADVICE];
  const permitted = Object.values(decision.actions).some(Boolean);
  const outcome = advice !== undefined && advice.length > 0 ? 'advice' : permitted ? 'permit' : 'deny';
  audit.emit({
    type: 'policy.decision',
    outcome,
    requestId: context.requestId,
    client_id: context.client_id,
    ip: context.ip,
    userAgent: context.userAgent,
    sub: subject?.sub,
    target: decision.resource,
    action: Object.keys(decision.actions).filter((a) => decision.actions[a]).join(' ') || undefined,
    code: outcome === 'deny' ? (subject === undefined ? 'no_subject' : 'not_permitted') : outcome === 'advice' ? TRANSACTION_ADVICE : undefined,
    reason: application !== undefined ? `policy set ${application}` : undefined,
    transactionId: advice?.[0],
  });
}

/** The advice name AIC uses for a transaction condition. */
export const TRANSACTION_ADVICE = 'TransactionConditionAdvice';

/**
 * What an enforcement point needs of a decision point: in process (a {@link PolicyDecisionPoint})
 * or over HTTP (the adapter's `remotePolicyDecisionPoint`).
 */
export interface PolicyEvaluator {
  /**
   * AIC's `_action=evaluate`: one decision per resource, in order. A transaction id in
   * `environment.TxId` is checked and consumed here, atomically: the re-evaluation after a
   * step-up allows once. Throws `ERR_POLICY_REQUEST` on a malformed request.
   */
  evaluate(request: EvaluateRequest, context?: DecisionContext): Promise<PolicyDecision[]>;
}

/**
 * A policy decision point: evaluates resources for a subject, opens transactions for resources
 * under a transaction condition, and allows each authenticated transaction exactly once.
 */
export interface PolicyDecisionPoint extends PolicyEvaluator {
  readonly config: CompiledPolicyConfig;
  /** The subject behind an `ssoToken` or a `jwt`, or undefined. */
  resolveSubject(subject: EvaluateSubject): Promise<PolicySubject | undefined>;
  /** A live transaction (pending or authenticated), or undefined. */
  transaction(txId: string): Promise<Transaction | undefined>;
  /**
   * Marks a transaction authenticated after its step-up journey succeeded for `sub`. False when
   * the transaction is gone, expired, already authenticated, or belongs to another subject: a
   * journey for one user can never authenticate another user's transaction.
   */
  authenticateTransaction(txId: string, sub: string): Promise<boolean>;
}

/** The `action` a transaction is bound to: the guarded actions of its policy, sorted and joined. */
export function transactionAction(policy: CompiledPolicy): string {
  return [...policy.actions].sort().join(',');
}

function claimMatches(value: JsonValue | undefined, allowed: readonly (string | number | boolean)[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && allowed.includes(v));
}

function subjectHolds(policy: CompiledPolicy, subject: PolicySubject | undefined): subject is PolicySubject {
  if (!subject) return false;
  const condition = policy.subject;
  if (condition.subs && !condition.subs.includes(subject.sub)) return false;
  for (const [claim, allowed] of Object.entries(condition.claims ?? {})) if (!claimMatches(subject.claims[claim], allowed)) return false;
  return true;
}

/**
 * Creates a policy decision point from a JSON policy configuration (validated here: a bad one
 * throws `ERR_CONFIG_INVALID` naming each field and its fix).
 *
 * @example
 * const pdp = createPolicyDecisionPoint(JSON.parse(readFileSync('policies.json', 'utf8')), { stores, clock });
 * const [decision] = await pdp.evaluate({ resources: ['https://api.example.com/pay'], subject: { ssoToken: sessionId } });
 */
export function createPolicyDecisionPoint(config: unknown, options: PolicyDecisionPointOptions): PolicyDecisionPoint {
  const compiled = compilePolicyConfig(config);
  const { stores, clock, resolveJwt } = options;
  const limit = compiled.transactionRateLimit;
  const limiter = options.rateLimiters?.({ name: 'policy-transaction', max: limit.max, windowSeconds: limit.windowSeconds });

  /** Spends one transaction of `sub`'s budget: the seconds to wait when it is spent, else undefined. */
  async function spendTransaction(sub: string): Promise<number | undefined> {
    const key = encodeURIComponent(sub);
    if (limiter) {
      const decision = await limiter.consume(key);
      return decision.allowed ? undefined : decision.retryAfterSeconds;
    }
    const count = await stores.counters.increment(`waymark:tx-rate:${key}`, limit.windowSeconds);
    return count > limit.max ? limit.windowSeconds : undefined;
  }

  async function resolveSubject(subject: EvaluateSubject): Promise<PolicySubject | undefined> {
    if (subject.ssoToken !== undefined) {
      const session = await stores.sessions.get(subject.ssoToken);
      if (!session) return undefined;
      const claims: JsonObject = { ...(session.data ?? {}) };
      if (session.acr !== undefined) claims.acr = session.acr;
      if (session.amr !== undefined) claims.amr = session.amr;
      return { sub: session.sub, claims };
    }
    if (!resolveJwt) throw badPolicyRequest('subject.jwt', 'JWT subjects are not enabled on this server; send { "ssoToken": "<session id>" }');
    return resolveJwt(subject.jwt);
  }

  async function openTransaction(policy: CompiledPolicy & { condition: NonNullable<CompiledPolicy['condition']> }, sub: string, resource: string): Promise<string> {
    // Rate limit per subject, on its own budget: transactional step-ups never touch account lockout.
    const retryAfterSeconds = await spendTransaction(sub);
    if (retryAfterSeconds !== undefined)
      throw new PolicyError('ERR_TRANSACTION_RATE_LIMITED', 'too many transactions for this subject; retry later', {}, { retryAfterSeconds });
    const now = clock.now();
    // 256 random bits: a transaction id is a bearer of nothing alone, but must not be guessable.
    const id = randomBytes(32).toString('base64url');
    await stores.transactions.create({
      id,
      sub,
      resource,
      action: transactionAction(policy),
      status: 'pending',
      createdAt: now,
      expiresAt: now + policy.condition.ttlSeconds * 1000,
      data: { flow: policy.condition.flow, policySet: policy.set, policy: policy.name },
    });
    return id;
  }

  async function decide(resource: string, canonical: string, application: string | undefined, subject: PolicySubject | undefined, txIds: readonly string[]): Promise<PolicyDecision> {
    const decision: PolicyDecision = { resource, actions: {}, attributes: {}, advices: {}, ttl: 0 };
    const matching = compiled.policies.filter((p) => (application === undefined || p.set === application) && p.patterns.some((re) => re.test(canonical)));
    const allowed = new Set<string>();
    const guarded: (CompiledPolicy & { condition: NonNullable<CompiledPolicy['condition']> })[] = [];
    for (const policy of matching) {
      if (!subjectHolds(policy, subject)) continue;
      if (policy.condition) guarded.push(policy as (typeof guarded)[number]);
      else for (const a of policy.actions) allowed.add(a);
    }
    const advices: string[] = [];
    let spent = false;
    for (const policy of guarded) {
      const sub = (subject as PolicySubject).sub;
      let granted = false;
      if (!spent) {
        for (const txId of txIds) {
          // Atomic single use, bound to subject, resource and action (the store's contract).
          const tx = await stores.transactions.consume(txId, { sub, resource: canonical, action: transactionAction(policy) });
          if (tx) {
            granted = spent = true;
            break;
          }
        }
      }
      if (granted) for (const a of policy.actions) allowed.add(a);
      else {
        // A transaction condition that does not hold wins over plain grants of the same actions.
        for (const a of policy.actions) allowed.delete(a);
        advices.push(await openTransaction(policy, sub, canonical));
      }
    }
    for (const a of allowed) decision.actions[a] = true;
    if (advices.length > 0) decision.advices[TRANSACTION_ADVICE] = advices;
    return decision;
  }

  return Object.freeze({
    config: compiled,
    resolveSubject,
    async evaluate(input: EvaluateRequest, context: DecisionContext = {}): Promise<PolicyDecision[]> {
      const request = parseEvaluateRequest(input);
      if (request.application !== undefined && !compiled.sets.has(request.application))
        throw badPolicyRequest('application', 'names no policy set of this server');
      const subject = await resolveSubject(request.subject);
      const txIds = request.environment?.TxId ?? [];
      const decisions: PolicyDecision[] = [];
      for (const resource of request.resources) decisions.push(await decide(resource, canonicalResource(resource) as string, request.application, subject, txIds));
      if (options.audit) for (const decision of decisions) auditDecision(options.audit, decision, subject, request.application, context);
      return decisions;
    },
    async transaction(txId: string) {
      if (typeof txId !== 'string' || txId === '' || txId.length > 256) return undefined;
      return stores.transactions.get(txId);
    },
    async authenticateTransaction(txId: string, sub: string) {
      const tx = typeof txId === 'string' && txId.length <= 256 ? await stores.transactions.get(txId) : undefined;
      if (!tx || tx.sub !== sub || tx.status !== 'pending' || tx.expiresAt <= clock.now()) return false;
      return stores.transactions.markAuthenticated(txId);
    },
  });
}
