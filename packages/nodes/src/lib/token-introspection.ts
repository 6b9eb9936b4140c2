import { WaymarkError } from '@waymark/sdk';
import * as oidc from 'openid-client';
import type { TokenCheck } from './token-jwt.js';

export interface IntrospectionOptions {
  issuer: string;
  endpoint: string;
  clientId: string;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Resolved client secret (never logged). */
  clientSecret: string | undefined;
  audience?: string | string[];
  clockToleranceSeconds: number;
  maxAgeSeconds?: number;
  timeoutMs: number;
}

type FetchImpl = (url: string, init: RequestInit) => Promise<Response>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function clientAuth(options: IntrospectionOptions): oidc.ClientAuth {
  if (options.authMethod === 'none') return oidc.None();
  if (options.clientSecret === undefined)
    throw new WaymarkError('ERR_TOKEN_CONFIG', `token.validate: introspection client "${options.clientId}" has no secret; set introspection.clientSecretName and wire services.secretSource`, {
      clientId: options.clientId,
    });
  return options.authMethod === 'client_secret_post' ? oidc.ClientSecretPost(options.clientSecret) : oidc.ClientSecretBasic(options.clientSecret);
}

/**
 * Asks the authorization server about an opaque token (RFC 7662 §2) through openid-client,
 * then judges the answer: `active: false`, a missing or past `exp`, a future `nbf`/`iat`, a
 * foreign `iss` or `aud` are all invalid. An unreachable or failing endpoint is `error`.
 */
export async function introspectAccessToken(
  token: string,
  options: IntrospectionOptions,
  nowMs: number,
  fetchImpl: FetchImpl,
  signal: AbortSignal,
): Promise<TokenCheck> {
  const endpoint = new URL(options.endpoint);
  const config = new oidc.Configuration({ issuer: options.issuer, introspection_endpoint: endpoint.href }, options.clientId, undefined, clientAuth(options));
  if (endpoint.protocol === 'http:') {
    // Plain http only for a local authorization server (tests, development): tokens never cross a network in clear.
    if (!LOOPBACK.has(endpoint.hostname))
      throw new WaymarkError('ERR_TOKEN_CONFIG', 'token.validate: introspection endpoint must be https (http only for loopback)', { endpoint: endpoint.origin });
    oidc.allowInsecureRequests(config);
  }
  config.timeout = Math.ceil(options.timeoutMs / 1000);
  config[oidc.customFetch] = (url, init) =>
    fetchImpl(url, { ...(init as RequestInit), signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal });
  let answer: Awaited<ReturnType<typeof oidc.tokenIntrospection>>;
  try {
    answer = await oidc.tokenIntrospection(config, token, { token_type_hint: 'access_token' });
  } catch (error) {
    const cause = error instanceof Error ? ((error as { code?: string }).code ?? error.name) : 'unknown';
    return { ok: false, outcome: 'error', reason: 'introspection_unavailable', cause };
  }
  if (answer.active !== true) return { ok: false, outcome: 'invalid', reason: 'inactive' };
  const now = nowMs / 1000;
  const tolerance = options.clockToleranceSeconds;
  if (typeof answer.exp !== 'number') return { ok: false, outcome: 'invalid', reason: 'no_expiry' };
  if (answer.exp <= now - tolerance) return { ok: false, outcome: 'invalid', reason: 'expired' };
  if (typeof answer.nbf === 'number' && answer.nbf > now + tolerance) return { ok: false, outcome: 'invalid', reason: 'not_yet_valid' };
  if (typeof answer.iat === 'number' && answer.iat > now + tolerance) return { ok: false, outcome: 'invalid', reason: 'not_yet_valid' };
  if (options.maxAgeSeconds !== undefined && (typeof answer.iat !== 'number' || now - answer.iat > options.maxAgeSeconds + tolerance))
    return { ok: false, outcome: 'invalid', reason: 'expired' };
  if (answer.iss !== undefined && answer.iss !== options.issuer) return { ok: false, outcome: 'invalid', reason: 'issuer' };
  if (options.audience !== undefined) {
    const wanted = Array.isArray(options.audience) ? options.audience : [options.audience];
    const aud = answer.aud === undefined ? [] : Array.isArray(answer.aud) ? answer.aud : [answer.aud];
    if (!aud.some((a) => wanted.includes(a))) return { ok: false, outcome: 'invalid', reason: 'audience' };
  }
  if (typeof answer.sub !== 'string' || answer.sub === '') return { ok: false, outcome: 'invalid', reason: 'malformed' };
  return { ok: true, claims: { ...answer } };
}
