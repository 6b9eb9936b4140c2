import {
  RiskProviderError,
  type CompletionStatus,
  type RiskCallOptions,
  type RiskEvaluation,
  type RiskInput,
  type RiskLevel,
  type RiskPredictorDetail,
  type RiskProvider,
} from './provider.js';
import { NODES_ERRORS } from '../errors.js';

export interface HttpRiskProviderInit {
  /** API base, e.g. `https://api.pingone.eu/v1`. */
  baseUrl: string;
  environmentId: string;
  /** The bearer token, or a function that returns a fresh one (worker-app tokens expire). */
  token: string | (() => string | Promise<string>);
  fetch: typeof fetch;
  /** Per-request timeout in ms, on top of any signal passed per call. */
  timeoutMs?: number;
}

const LEVELS = new Set<RiskLevel>(['LOW', 'MEDIUM', 'HIGH']);
const MAX_BODY = 256 * 1024;

function isLevel(v: unknown): v is RiskLevel {
  return typeof v === 'string' && LEVELS.has(v as RiskLevel);
}
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/* Protect's details are a map of predictor name → { level, type, status, reason, … }; keep the
 * predictors that carry a level, with a short string reason, and drop everything else. */
function readDetails(details: unknown): Record<string, RiskPredictorDetail> {
  const out: Record<string, RiskPredictorDetail> = {};
  if (!isRecord(details)) return out;
  for (const [name, d] of Object.entries(details)) {
    if (!isRecord(d) || !isLevel(d.level) || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) continue;
    const reason = typeof d.reason === 'string' ? d.reason.slice(0, 200) : typeof d.status === 'string' ? d.status.slice(0, 200) : d.level;
    out[name] = typeof d.score === 'number' && Number.isFinite(d.score) ? { level: d.level, score: d.score, reason } : { level: d.level, reason };
  }
  return out;
}

/**
 * A risk provider that calls an external service shaped like PingOne Protect's risk
 * evaluations API: `POST {baseUrl}/environments/{envId}/riskEvaluations` (201) to evaluate and
 * `PUT …/riskEvaluations/{id}/event` `{ completionStatus }` to complete.
 *
 * @example
 * const provider = new HttpRiskProvider({ baseUrl: 'https://api.pingone.eu/v1', environmentId: env, token, fetch });
 * const { level } = await provider.evaluate({ ip: '217.160.0.1', userId: 'u1', userAgent });
 */
export class HttpRiskProvider implements RiskProvider {
  readonly #init: HttpRiskProviderInit;
  readonly #base: string;

  constructor(init: HttpRiskProviderInit) {
    this.#init = init;
    this.#base = `${init.baseUrl.replace(/\/+$/, '')}/environments/${encodeURIComponent(init.environmentId)}/riskEvaluations`;
  }

  async evaluate(input: RiskInput, options: RiskCallOptions = {}): Promise<RiskEvaluation> {
    const event: Record<string, unknown> = {
      ip: input.ip,
      user: { id: input.userId, type: 'EXTERNAL' },
      flow: { type: 'AUTHENTICATION' },
    };
    if (input.userAgent !== undefined) event.browser = { userAgent: input.userAgent };
    const response = await this.#call('POST', this.#base, { event }, options);
    if (response.status !== 201 && response.status !== 200) {
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_STATUS, `risk service answered HTTP ${response.status} to an evaluation`, { status: response.status });
    }
    const body = await readJson(response);
    const result = isRecord(body) ? body.result : undefined;
    if (!isRecord(body) || typeof body.id !== 'string' || body.id === '' || !isRecord(result) || !isLevel(result.level)) {
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_MALFORMED, 'risk service answer lacks id or result.level');
    }
    const score = typeof result.score === 'number' && Number.isFinite(result.score) ? result.score : undefined;
    if (score === undefined) throw new RiskProviderError(NODES_ERRORS.ERR_RISK_MALFORMED, 'risk service answer lacks a numeric result.score');
    const evaluation: RiskEvaluation = { id: body.id, level: result.level, score, details: readDetails(body.details) };
    const action = isRecord(result.recommendedAction) ? result.recommendedAction.type : result.recommendedAction;
    if (typeof action === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(action)) evaluation.recommendedAction = action;
    return evaluation;
  }

  async complete(id: string, status: CompletionStatus, _input: RiskInput, options: RiskCallOptions = {}): Promise<void> {
    const response = await this.#call('PUT', `${this.#base}/${encodeURIComponent(id)}/event`, { completionStatus: status }, options);
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_STATUS, `risk service answered HTTP ${response.status} to a completion`, { status: response.status });
    }
  }

  async #call(method: string, url: string, body: unknown, options: RiskCallOptions): Promise<Response> {
    const token = typeof this.#init.token === 'function' ? await this.#init.token() : this.#init.token;
    const signals = [AbortSignal.timeout(this.#init.timeoutMs ?? 5000)];
    if (options.signal) signals.push(options.signal);
    try {
      return await this.#init.fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
        redirect: 'error',
      });
    } catch (cause) {
      // The cause is kept for operators; the message never carries the token or the body.
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_UNREACHABLE, `risk service unreachable (${method} ${new URL(url).origin})`, {}, { cause });
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text.length > MAX_BODY) throw new RiskProviderError(NODES_ERRORS.ERR_RISK_MALFORMED, 'risk service answer is too large');
  try {
    return JSON.parse(text);
  } catch {
    throw new RiskProviderError(NODES_ERRORS.ERR_RISK_MALFORMED, 'risk service answer is not JSON');
  }
}
