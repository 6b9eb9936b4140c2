import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import type { Clock } from '@waymark/sdk';
import { GATEWAY_DEFAULTS } from './defaults.js';
import { GatewayError } from './errors.js';
import type { UpstreamAuth } from './config/types.js';

/*
 * Token mediation: what the gateway sends upstream instead of the agent's token (MCP
 * 2025-11-25 "Token Passthrough" is forbidden; the agent's token is bound to the gateway's
 * resource, RFC 8707). Either nothing, a configured API key, or a token from an RFC 8693 token
 * exchange for the upstream's audience, cached per agent token until shortly before it expires.
 */

/** Headers to add upstream for one call, given the agent's (already validated) token. */
export type Mediator = (agentToken: string) => Promise<Record<string, string>>;

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface Cached {
  token: string;
  /** Epoch ms after which the token is exchanged again. */
  renewAt: number;
}

function secretOf(
  value: string | undefined,
  envName: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
): string {
  const secret = value ?? (envName !== undefined ? env[envName] : undefined);
  if (secret === undefined || secret === '')
    throw new GatewayError(
      'ERR_GATEWAY_MEDIATION',
      `${what}: the environment variable ${envName ?? '(none)'} is not set; set it or give the value`,
    );
  return secret;
}

/**
 * Builds the mediator of a route's `upstreamAuth`.
 *
 * @example
 * const mediate = createMediator({ type: 'token-exchange', tokenEndpoint, clientId: 'gateway', clientSecretEnv: 'GW_SECRET', audience: 'bank-api' }, { clock, env: process.env });
 * const headers = await mediate(agentToken); // { authorization: 'Bearer <exchanged>' }
 */
export function createMediator(
  auth: UpstreamAuth | undefined,
  options: { clock: Clock; env: Readonly<Record<string, string | undefined>>; fetch?: typeof fetch },
): Mediator {
  if (auth === undefined || auth.type === 'none') return async () => ({});
  if (auth.type === 'api-key') {
    const headers = {
      [(auth.header ?? GATEWAY_DEFAULTS.apiKeyHeader).toLowerCase()]: secretOf(
        auth.value,
        auth.valueEnv,
        options.env,
        'upstreamAuth api-key',
      ),
    };
    return async () => headers;
  }
  const exchangeAuth = auth;
  const secret = secretOf(auth.clientSecret, auth.clientSecretEnv, options.env, 'upstreamAuth token-exchange clientSecret');
  const endpoint = new URL(auth.tokenEndpoint);
  const config = new client.Configuration(
    { issuer: endpoint.origin, token_endpoint: endpoint.href },
    auth.clientId,
    undefined,
    client.ClientSecretBasic(secret),
  );
  if (endpoint.protocol === 'http:') client.allowInsecureRequests(config);
  if (options.fetch) config[client.customFetch] = options.fetch as never;
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached>>();
  const skewMs = GATEWAY_DEFAULTS.exchangeRefreshSkewSeconds * 1000;

  async function exchange(agentToken: string): Promise<Cached> {
    // RFC 8693 §2.1: the agent's token is the subject token; the upstream is the audience / resource.
    const params: Record<string, string> = {
      subject_token: agentToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    };
    if (exchangeAuth.audience) params.audience = exchangeAuth.audience;
    if (exchangeAuth.resource) params.resource = exchangeAuth.resource;
    if (exchangeAuth.scope) params.scope = exchangeAuth.scope;
    if (exchangeAuth.actorToken) {
      // RFC 8693 §2.1: the actor is the gateway itself (delegation: the result carries `act`, §4.1).
      params.actor_token = await actorToken();
      params.actor_token_type = ACCESS_TOKEN_TYPE;
    }
    let answer: Awaited<ReturnType<typeof client.genericGrantRequest>>;
    try {
      answer = await client.genericGrantRequest(config, TOKEN_EXCHANGE, params);
    } catch (error) {
      throw new GatewayError('ERR_GATEWAY_MEDIATION', `token exchange at ${endpoint.href} failed`, {}, { cause: error });
    }
    const lifetime = (answer.expires_in ?? 60) * 1000;
    return { token: answer.access_token, renewAt: options.clock.now() + Math.max(0, lifetime - skewMs) };
  }

  let actor: Cached | undefined;
  let actorPending: Promise<Cached> | undefined;
  /** The gateway's own token (RFC 6749 §4.4 client credentials), cached until shortly before it expires; concurrent calls share one request. */
  async function actorToken(): Promise<string> {
    if (actor && actor.renewAt > options.clock.now()) return actor.token;
    actorPending ??= (async () => {
      const wanted = exchangeAuth.actorToken ?? {};
      const params: Record<string, string> = {};
      if (wanted.resource) params.resource = wanted.resource;
      if (wanted.scope) params.scope = wanted.scope;
      try {
        const answer = await client.clientCredentialsGrant(config, params);
        const lifetime = (answer.expires_in ?? 60) * 1000;
        return { token: answer.access_token, renewAt: options.clock.now() + Math.max(0, lifetime - skewMs) };
      } catch (error) {
        throw new GatewayError(
          'ERR_GATEWAY_MEDIATION',
          `the gateway's own token (client credentials) at ${endpoint.href} failed`,
          {},
          { cause: error },
        );
      }
    })().finally(() => (actorPending = undefined));
    actor = await actorPending;
    return actor.token;
  }

  return async function mediate(agentToken) {
    // Keyed by a hash: the cache never holds the agent's token itself.
    const key = createHash('sha256').update(agentToken).digest('base64url');
    const hit = cache.get(key);
    if (hit && hit.renewAt > options.clock.now()) return { authorization: `Bearer ${hit.token}` };
    let pending = inFlight.get(key);
    if (!pending) {
      pending = exchange(agentToken).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const fresh = await pending;
    if (cache.size >= GATEWAY_DEFAULTS.exchangeCacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(key, fresh);
    return { authorization: `Bearer ${fresh.token}` };
  };
}
