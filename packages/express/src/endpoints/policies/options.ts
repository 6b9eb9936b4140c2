import type { JwtSubjectResolver, PolicyDecisionPoint } from '@waymark/policy';

/** The browser session cookie the step-up page reads: the one `session.create` sets by default. */
export const STEPUP_SESSION_COOKIE = '__Host-waymark-session';

/**
 * The `policies` option of `createWaymarkRouter`: transactional authorization. Give the JSON
 * policy configuration (`config`) or a decision point you built yourself (`pdp`, to share it
 * with an in-process `requireTransaction`).
 *
 * @example
 * createWaymarkRouter({ issuer, clients, stores, engine, policies: { config: JSON.parse(readFileSync('policies.json', 'utf8')) } });
 */
export interface PolicyRouterOptions {
  /** The policy configuration (JSON); validated at start-up (`ERR_CONFIG_INVALID`). */
  config?: unknown;
  /** A decision point made with `createPolicyDecisionPoint`; instead of `config`. */
  pdp?: PolicyDecisionPoint;
  /** Extension point for `subject.jwt` (ignored with `pdp`). Default: JWT subjects refused. */
  resolveJwt?: JwtSubjectResolver;
  /** The browser session cookie the step-up page reads. Default `__Host-waymark-session` (what `session.create` sets). */
  sessionCookie?: string;
  /** Step-up journeys one transaction may start (each has its own OTP attempts). Default 3. */
  maxStepUpsPerTransaction?: number;
}

declare module '../../options.js' {
  interface WaymarkRouterOptions {
    /** Transactional authorization: `POST /policies/evaluate` and the step-up endpoints. Default: off. */
    policies?: PolicyRouterOptions;
  }
}
