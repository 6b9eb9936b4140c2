import { AccessTokenError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';

type Introspection = NonNullable<ResolvedOptions['introspection']>;

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before the Basic encoding (`application/x-www-form-urlencoded`, space as `+`). */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function unavailable(cause: string, error?: unknown): AccessTokenError {
  return new AccessTokenError('introspection_unavailable', { cause }, error === undefined ? {} : { cause: error });
}

/** The request of RFC 7662 §2.1, with the client authentication of RFC 6749 §2.3.1. */
function request(token: string, client: Introspection): { headers: Record<string, string>; body: URLSearchParams } {
  const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (client.authMethod === 'client_secret_basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret ?? '')}`).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    if (client.authMethod === 'client_secret_post') body.set('client_secret', client.clientSecret ?? '');
  }
  return { headers, body };
}

/**
 * Asks the authorization server about an opaque token (RFC 7662 §2) and judges the answer:
 * `active: false`, a missing or past `exp`, a future `nbf`/`iat`, a foreign `iss` or `aud`, a
 * `token_type` not accepted are all invalid. An unreachable, refusing or non-conforming endpoint
 * is `introspection_unavailable`. Returns the answer's claims.
 */
export async function introspect(token: string, options: ResolvedOptions, nowMs: number, signal: AbortSignal | undefined): Promise<Record<string, unknown> | AccessTokenError> {
  const client = options.introspection as Introspection;
  const { headers, body } = request(token, client);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let answer: unknown;
  try {
    const response = await options.fetch(client.endpoint, {
      method: 'POST',
      headers,
      body,
      // A redirect would resend the token somewhere else: refuse it.
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    // RFC 7662 §2.2: the answer is a 200 with a JSON object; anything else (401 for our client, 5xx) is a failure of the endpoint.
    if (response.status !== 200) return unavailable(`status_${response.status}`);
    answer = await response.json();
  } catch (error) {
    return unavailable(error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown', error);
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return unavailable('not_an_object');
  const a = answer as Record<string, unknown>;
  if (typeof a.active !== 'boolean') return unavailable('no_active');
  if (a.active !== true) return new AccessTokenError('inactive');

  const now = nowMs / 1000;
  const tolerance = options.clockToleranceSeconds;
  if (typeof a.exp !== 'number') return new AccessTokenError('no_expiry');
  if (a.exp <= now - tolerance) return new AccessTokenError('expired');
  if (typeof a.nbf === 'number' && a.nbf > now + tolerance) return new AccessTokenError('not_yet_valid');
  if (typeof a.iat === 'number' && a.iat > now + tolerance) return new AccessTokenError('not_yet_valid');
  if (options.maxAgeSeconds !== undefined && (typeof a.iat !== 'number' || now - a.iat > options.maxAgeSeconds + tolerance)) return new AccessTokenError('expired');
  if (a.iss !== undefined && a.iss !== options.issuer) return new AccessTokenError('issuer');
  if (options.audience !== undefined) {
    const aud = a.aud === undefined ? [] : Array.isArray(a.aud) ? a.aud : [a.aud];
    if (!aud.some((v) => options.audience!.includes(v as string))) return new AccessTokenError('audience');
  }
  // RFC 7662 §2.2: token_type is the RFC 6749 §5.1 type, case-insensitive. Absent is accepted (it is optional).
  if (a.token_type !== undefined) {
    const type = typeof a.token_type === 'string' ? a.token_type.toLowerCase() : undefined;
    if (!client.tokenTypes.some((t) => t.toLowerCase() === type)) return new AccessTokenError('type');
  }
  return a;
}
