import { createAccessTokenValidator, verifyDpopProof, type AccessTokenClaims, type AccessTokenValidator } from '@waymark/access-token';
import type { JsonObject } from '@waymark/sdk';
import type Provider from 'oidc-provider';
import {
  errors,
  type Client,
  type Configuration,
  type KoaContextWithOIDC,
  type ResourceServer,
  type ResourceServerInstance,
  type TokenEndpointGrantContext,
} from 'oidc-provider';

/*
 * OAuth 2.0 Token Exchange (RFC 8693) as a grant type of oidc-provider (`registerGrantType`):
 * the token endpoint, client authentication and token issuance stay oidc-provider's; this module
 * decides whether a subject (and actor) token may be exchanged, for which audience and scopes,
 * and puts the `act` claim on the result.
 */

/** RFC 8693 §2.1 `grant_type`. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3 token type identifiers this provider accepts and issues. */
export const TOKEN_TYPES = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;
/**
 * Client metadata (a boolean, default false): the client may exchange a token of someone else
 * without an `actor_token`, getting a token of that subject with no `act` (impersonation,
 * RFC 8693 §1.1). Without it, only delegation (an actor token) or a client's own token.
 */
export const IMPERSONATION_METADATA = 'token_exchange_impersonation';

/** What a token the provider accepts as `subject_token` or `actor_token` must be. */
const ACCEPTED_TOKEN_TYPES = new Set<string>([TOKEN_TYPES.accessToken, TOKEN_TYPES.jwt]);

/** Where the provider's access tokens for a resource go: the audience (RFC 8707, the `aud` claim) and what `getResourceServerInfo` answers. */
export interface ExchangeTargets {
  /** The resource indicator a logical `audience` value names (RFC 8693 §2.1), when one does. */
  indicatorOf(audience: string): string | undefined;
  /** Every audience the provider issues access tokens for. */
  audiences(): string[];
  /** oidc-provider's `getResourceServerInfo` (throws `invalid_target` for an indicator not configured or not allowed to the client). */
  info(ctx: KoaContextWithOIDC, indicator: string, client: Client): Promise<ResourceServer> | ResourceServer;
}

/** The `act` claim (RFC 8693 §4.1): the acting party, the prior actors nested under it. */
export interface ActClaim extends JsonObject {
  sub: string;
}

type ValidatorFor = (client: Client) => AccessTokenValidator;

/** The private members of a JWK (RFC 7518 §6): what the public key set leaves out. */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** The public half of the provider's signing keys, for the access-token validator. */
export function publicJwks(jwks: { keys: readonly JsonObject[] }): { keys: JsonObject[] } {
  return {
    keys: jwks.keys.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as JsonObject),
  };
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function audienceOf(claims: AccessTokenClaims): string[] {
  return list(claims.aud);
}

/**
 * A token the client may present: one issued to it (`client_id`, it narrows its own token), or
 * one issued for it (`aud` names the client: a service exchanging a token that was presented to
 * it, RFC 8693 §1.1). Anything else would let a client trade a token it merely got hold of.
 */
function presentable(claims: AccessTokenClaims, clientId: string | undefined, client: Client): boolean {
  return clientId === client.clientId || audienceOf(claims).includes(client.clientId);
}

/** The actor as the `act` claim names it: its subject, its client when another, and the prior actors (RFC 8693 §4.1). */
function actOf(actor: { claims: AccessTokenClaims; clientId: string | undefined }, prior: unknown): ActClaim {
  const act: ActClaim = { sub: actor.claims.sub };
  if (actor.clientId !== undefined && actor.clientId !== actor.claims.sub) act.client_id = actor.clientId;
  if (prior !== null && typeof prior === 'object' && !Array.isArray(prior)) act.act = prior as JsonObject;
  return act;
}

/** RFC 8693 §4.4: a subject token's `may_act` names who may act for it; an actor it does not name may not. */
function mayAct(subject: AccessTokenClaims, act: ActClaim): boolean {
  const allowed = subject.may_act;
  if (allowed === undefined) return true;
  if (allowed === null || typeof allowed !== 'object' || Array.isArray(allowed)) return false;
  return Object.entries(allowed).every(([claim, value]) => act[claim] === value);
}

async function validated(validator: AccessTokenValidator, token: string, name: 'subject_token' | 'actor_token') {
  const result = await validator.validate(token);
  // RFC 8693 §2.2.2: an invalid or unacceptable subject or actor token is `invalid_request`.
  if (!result.ok) throw new errors.InvalidRequest(`${name} is not valid (${result.error.code})`);
  return result;
}

/** The one target of the token: `resource` (RFC 8707) or `audience` (RFC 8693 §2.1), resolved to a resource indicator. */
function targetOf(params: Record<string, unknown>, targets: ExchangeTargets): string {
  const resources = list(params.resource);
  const audiences = list(params.audience);
  const named = new Set<string>(resources);
  for (const audience of audiences) {
    const indicator = targets.indicatorOf(audience);
    // RFC 8693 §2.2.2: an audience the server will not issue for is `invalid_target`.
    if (indicator === undefined) throw new errors.InvalidTarget(`audience "${audience}" is not one this provider issues tokens for`);
    named.add(indicator);
  }
  // The result is bound to one audience: a token for several would be accepted by each (RFC 8707 §2, RFC 9068 §3).
  if (named.size !== 1) throw new errors.InvalidTarget('name exactly one resource or audience the exchanged token is for');
  return [...named][0] as string;
}

/**
 * Scopes of the exchanged token: what was asked (else everything the subject token carries),
 * narrowed to what the subject token carries, what the resource offers, and what the client
 * may ask for (its `scope` metadata, when set). RFC 6749 §3.3: fewer than asked is allowed,
 * none at all is `invalid_scope`.
 */
function scopesOf(
  requested: unknown,
  subject: string[],
  resource: ResourceServerInstance,
  client: Client,
  allowedScopes: (clientId: string) => readonly string[] | undefined,
): string[] {
  const asked = typeof requested === 'string' && requested !== '' ? requested.split(' ').filter(Boolean) : subject;
  const offered = resource.scopes;
  // A client of the client store: its allowed_scopes (its `scope` metadata lists only the OpenID scopes); else its `scope` metadata.
  const listed = allowedScopes(client.clientId);
  const clientScope = client.metadata().scope;
  const allowed = listed !== undefined ? new Set(listed) : typeof clientScope === 'string' ? new Set(clientScope.split(' ')) : undefined;
  const granted = [...new Set(asked)].filter(
    (scope) => subject.includes(scope) && offered.has(scope) && (allowed === undefined || allowed.has(scope)),
  );
  if (granted.length === 0)
    throw new errors.InvalidScope(
      'none of the requested scopes is carried by the subject token and offered by the resource',
      asked.join(' '),
    );
  return granted;
}

/** What `createOidcProvider` wires: the `act` claim on exchanged tokens, the client flag, the grant. */
export interface TokenExchange {
  /** oidc-provider's `extraClientMetadata` for {@link IMPERSONATION_METADATA}. */
  readonly extraClientMetadata: NonNullable<Configuration['extraClientMetadata']>;
  /** oidc-provider's `extraTokenClaims`: `act` on exchanged tokens. */
  readonly extraTokenClaims: NonNullable<Configuration['extraTokenClaims']>;
  /** Registers the grant on the provider. */
  register(provider: Provider): void;
}

/**
 * Token exchange (RFC 8693) for one provider: subject and actor tokens are the provider's own
 * JWT access tokens, validated by `@waymark/access-token`; the result is an access token for
 * exactly one resource (`resource` or `audience`), scopes narrowed, lifetime no longer than the
 * subject token's, with `act` naming the actor (delegation) or, for a client allowed to
 * impersonate, none.
 */
export function tokenExchange(options: {
  issuer: string;
  jwks: { keys: readonly JsonObject[] } | undefined;
  targets: ExchangeTargets;
  now?: () => number;
  /** The scopes a client of the client store is allowed (its allowed_scopes); undefined for a static client. */
  allowedScopes?: (clientId: string) => readonly string[] | undefined;
}): TokenExchange {
  const { issuer, targets } = options;
  const allowedScopes = options.allowedScopes ?? (() => undefined);
  const now = options.now ?? Date.now;
  const keys = options.jwks ? { jwks: publicJwks(options.jwks) as never } : { jwksUri: `${issuer.replace(/\/$/, '')}/jwks` };
  const validatorFor: ValidatorFor = (client) =>
    createAccessTokenValidator({ issuer, audience: [client.clientId, ...targets.audiences()], ...keys, clock: { now } });
  const acts = new WeakMap<object, ActClaim>();

  /**
   * RFC 9449 §5: the thumbprint of the key a token request's DPoP proof proves, checked as
   * @waymark/access-token checks every proof (§4.3; replay through oidc-provider's replay store);
   * undefined without a proof. A client registered with `dpop_bound_access_tokens` must send one (§5.2).
   */
  async function dpopKeyOf(ctx: TokenEndpointGrantContext): Promise<string | undefined> {
    const { provider, client } = ctx.oidc;
    const proof = ctx.get('DPoP');
    if (proof === '') {
      if (client.metadata().dpop_bound_access_tokens === true) throw new errors.InvalidGrant('DPoP proof JWT not provided');
      return undefined;
    }
    const checked = await verifyDpopProof({
      proof,
      method: ctx.method,
      url: ctx.oidc.urlFor('token'),
      clock: { now },
      firstUse: (key, seconds) => provider.ReplayDetection.unique(client.clientId, key, Math.floor(now() / 1000) + seconds),
    });
    if (!checked.ok) throw new errors.InvalidDpopProof(`invalid DPoP proof (${checked.error.code})`);
    return checked.jkt;
  }

  async function handler(ctx: TokenEndpointGrantContext): Promise<void> {
    const { provider, client } = ctx.oidc;
    const params = ctx.oidc.params as Record<string, unknown>;
    for (const name of ['subject_token', 'subject_token_type'])
      if (typeof params[name] !== 'string' || params[name] === '') throw new errors.InvalidRequest(`missing required parameter '${name}'`);
    // RFC 8693 §2.1: actor_token_type is required with an actor_token and must not come without one.
    if ((params.actor_token === undefined) !== (params.actor_token_type === undefined))
      throw new errors.InvalidRequest('actor_token and actor_token_type go together');
    for (const name of ['subject_token_type', 'actor_token_type'])
      if (params[name] !== undefined && !ACCEPTED_TOKEN_TYPES.has(String(params[name])))
        throw new errors.InvalidRequest(`${name} must be ${TOKEN_TYPES.accessToken} (an access token of this provider)`);
    if (params.requested_token_type !== undefined && params.requested_token_type !== TOKEN_TYPES.accessToken)
      throw new errors.InvalidRequest(`requested_token_type must be ${TOKEN_TYPES.accessToken}: this provider issues access tokens`);

    const jkt = await dpopKeyOf(ctx);

    const indicator = targetOf(params, targets);
    const resource = new provider.ResourceServer(indicator, await targets.info(ctx, indicator, client));

    const validator = validatorFor(client);
    const subject = await validated(validator, String(params.subject_token), 'subject_token');
    if (!presentable(subject.claims, subject.clientId, client))
      throw new errors.InvalidRequest('subject_token was neither issued to this client nor for it (its client_id or aud)');

    let act: ActClaim | undefined;
    if (params.actor_token !== undefined) {
      const actor = await validated(validator, String(params.actor_token), 'actor_token');
      if (!presentable(actor.claims, actor.clientId, client))
        throw new errors.InvalidRequest('actor_token was neither issued to this client nor for it (its client_id or aud)');
      act = actOf(actor, subject.claims.act);
      if (!mayAct(subject.claims, act))
        throw new errors.InvalidRequest("the actor is not one the subject token's may_act allows (RFC 8693 §4.4)");
    } else if (subject.clientId !== client.clientId) {
      // Impersonation (RFC 8693 §1.1): the client gets a token of someone else with no trace of itself.
      if (client.metadata()[IMPERSONATION_METADATA] !== true)
        throw new errors.UnauthorizedClient(
          `this client may not impersonate: send the agent's actor_token (delegation), or set ${IMPERSONATION_METADATA}`,
        );
    } else if (subject.claims.act !== undefined) {
      // A client narrowing its own delegated token keeps the delegation it carries.
      act = subject.claims.act as ActClaim;
    }

    const scope = scopesOf(params.scope, subject.scopes, resource, client, allowedScopes);
    const token = new provider.AccessToken({
      accountId: subject.claims.sub,
      client,
      gty: 'token_exchange',
      scope: scope.join(' '),
      resourceServer: resource,
      // No grant: the exchanged token stands for the subject token, not for a consent of its own.
    } as ConstructorParameters<Provider['AccessToken']>[0]);
    // The exchanged token lives no longer than the token it stands for.
    const remaining = subject.claims.exp - Math.floor(now() / 1000);
    if (remaining < token.expiration) (token as unknown as { expiresIn: number }).expiresIn = Math.max(1, remaining);
    if (act) acts.set(token, act);
    // RFC 9449 §5: bound to the key the client proved.
    if (jkt !== undefined) token.setThumbprint('jkt', jkt);
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    // RFC 8693 §2.2.1.
    ctx.body = {
      access_token: value,
      issued_token_type: TOKEN_TYPES.accessToken,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope: token.scope,
    };
  }

  return {
    extraClientMetadata: {
      properties: [IMPERSONATION_METADATA],
      validator(_ctx, key, value) {
        if (key === IMPERSONATION_METADATA && value !== undefined && typeof value !== 'boolean')
          throw new errors.InvalidClientMetadata(`${IMPERSONATION_METADATA} must be true or false`);
      },
    },
    async extraTokenClaims(_ctx, token) {
      const act = acts.get(token);
      return act ? { act } : undefined;
    },
    register(provider) {
      provider.registerGrantType(
        TOKEN_EXCHANGE_GRANT_TYPE,
        handler,
        ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'scope', 'resource', 'audience'],
        // RFC 8693 §2.1: resource and audience may repeat.
        ['resource', 'audience'],
      );
    },
  };
}
