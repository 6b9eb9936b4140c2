import { WaymarkError, type JsonObject } from '@waymark/sdk';
import type { NodesErrorCode } from '../errors.js';

/** The three risk levels, as PingOne Protect names them. */
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

/** How a login attempt ended, reported back so that predictors learn (Protect `completionStatus`). */
export type CompletionStatus = 'SUCCESS' | 'FAILED';

/** One predictor's verdict. `reason` is a short, secret-free explanation for traces and admins. */
export interface RiskPredictorDetail {
  level: RiskLevel;
  /** The predictor's contribution to the total score, when the provider reports it. */
  score?: number;
  reason: string;
}

/** The result of one evaluation: what `risk.evaluate` routes on and writes to `state.risk`. */
export interface RiskEvaluation {
  /** The provider's evaluation id; `risk.feedback` completes it. */
  id: string;
  level: RiskLevel;
  score: number;
  /** `BOT_MITIGATION`, `DENY`, `ACCOUNT_RECOVERY`, … (Protect's vocabulary). */
  recommendedAction?: string;
  details: Record<string, RiskPredictorDetail>;
}

/** What a provider needs to evaluate one login attempt. No secrets: never put a password here. */
export interface RiskInput {
  /** The client IP (the socket's, or from trusted proxies). */
  ip: string;
  /** The user the journey is authenticating (`sub`, else `username`). */
  userId: string;
  userAgent?: string;
  /** The server-issued device id from the device cookie (the local provider stores only its hash). */
  deviceId?: string;
  /** Client hints: `sec-ch-ua` and `sec-ch-ua-platform` header values. */
  clientHints?: { ua?: string; platform?: string };
}

/** Per-call options: the node's abort signal, so a slow provider cannot outlive the node. */
export interface RiskCallOptions {
  signal?: AbortSignal;
}

/**
 * A risk engine. The built-in ones are {@link LocalRiskProvider} (predictors computed in
 * process from shipped data) and {@link HttpRiskProvider} (a PingOne Protect–shaped service);
 * an operator may inject any other as `services.riskProvider`.
 *
 * @example
 * const provider: RiskProvider = new LocalRiskProvider({ stores, clock });
 * const evaluation = await provider.evaluate({ ip: '217.160.0.1', userId: 'u1' });
 * await provider.complete(evaluation.id, 'SUCCESS', { ip: '217.160.0.1', userId: 'u1' });
 */
export interface RiskProvider {
  evaluate(input: RiskInput, options?: RiskCallOptions): Promise<RiskEvaluation>;
  /** Records how the attempt ended; many predictors learn only from this. */
  complete(id: string, status: CompletionStatus, input: RiskInput, options?: RiskCallOptions): Promise<void>;
}

/** Where the HTTP provider's bearer token comes from when it is not in the flow config. */
export interface SecretSource {
  /** The secret named `name`, or undefined when unknown. Never log what it returns. */
  get(name: string): string | undefined | Promise<string | undefined>;
}

declare module '@waymark/sdk' {
  interface Services {
    /** A risk engine the operator wires in; `risk.evaluate` uses it unless its config names a provider. */
    riskProvider?: RiskProvider;
    /** Resolves named secrets (such as the HTTP risk provider's bearer token). */
    secretSource?: SecretSource;
  }
}

/** A risk provider failed (unreachable, refused, or answered something malformed). */
export type RiskErrorCode = Extract<NodesErrorCode, `ERR_RISK_${string}`>;

/** A risk provider failed: unreachable, refused, answered something malformed, or is misconfigured. */
export class RiskProviderError extends WaymarkError {
  declare readonly code: RiskErrorCode;
  constructor(code: RiskErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'RiskProviderError';
  }
}

/** The JSON form of an evaluation as `risk.evaluate` writes it to `state.risk`. */
export function evaluationToState(evaluation: RiskEvaluation, provider: string): JsonObject {
  const details: JsonObject = {};
  for (const [name, d] of Object.entries(evaluation.details)) {
    details[name] = d.score === undefined ? { level: d.level, reason: d.reason } : { level: d.level, score: d.score, reason: d.reason };
  }
  const out: JsonObject = { id: evaluation.id, provider, level: evaluation.level, score: evaluation.score, details };
  if (evaluation.recommendedAction !== undefined) out.recommendedAction = evaluation.recommendedAction;
  return out;
}
