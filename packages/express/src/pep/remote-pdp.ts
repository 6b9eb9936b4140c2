import { PolicyError, type PolicyDecision, type PolicyEvaluator } from '@waymark/policy';

export interface RemotePdpOptions {
  /** `https://login.example.com/policies/evaluate`. */
  evaluateUrl: string;
  /** A `service` client registered with the Waymark router, authenticating with client_secret_basic. */
  clientId: string;
  clientSecret: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default 5000: a decision that takes longer fails closed. */
  timeoutMs?: number;
}

function isDecision(v: unknown): v is PolicyDecision {
  if (v === null || typeof v !== 'object') return false;
  const d = v as Record<string, unknown>;
  return typeof d.resource === 'string' && typeof d.actions === 'object' && d.actions !== null && typeof d.advices === 'object' && d.advices !== null;
}

/** RFC 9110 §10.2.3: Retry-After in seconds; an HTTP-date or nothing falls back to a minute. */
function retryAfterOf(response: Response): number {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  return /^\d{1,9}$/.test(value) ? Number(value) : 60;
}

/**
 * A decision point reached over HTTP: `POST /policies/evaluate` as a service client. Any
 * failure (network, status, shape) is `ERR_PDP_UNAVAILABLE`, except 429 which stays
 * `ERR_TRANSACTION_RATE_LIMITED`: the enforcement point fails closed.
 *
 * @example
 * const pdp = remotePolicyDecisionPoint({ evaluateUrl: 'https://login.example.com/policies/evaluate', clientId: 'payments-api', clientSecret });
 */
export function remotePolicyDecisionPoint(options: RemotePdpOptions): PolicyEvaluator {
  const doFetch = options.fetch ?? globalThis.fetch;
  // RFC 6749 §2.3.1: form-encode id and secret before Basic encoding.
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  const authorization = `Basic ${Buffer.from(`${form(options.clientId)}:${form(options.clientSecret)}`).toString('base64')}`;
  return {
    async evaluate(request) {
      let response: Response;
      try {
        response = await doFetch(options.evaluateUrl, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (cause) {
        throw new PolicyError('ERR_PDP_UNAVAILABLE', 'the policy decision point could not be reached', {}, { cause });
      }
      if (response.status === 429)
        throw new PolicyError('ERR_TRANSACTION_RATE_LIMITED', 'too many transactions for this subject; retry later', {}, { retryAfterSeconds: retryAfterOf(response) });
      const body = (await response.json().catch(() => undefined)) as unknown;
      if (response.status !== 200 || !Array.isArray(body) || !body.every(isDecision))
        throw new PolicyError('ERR_PDP_UNAVAILABLE', `the policy decision point answered ${response.status} without decisions`, { status: response.status });
      return body;
    },
  };
}
