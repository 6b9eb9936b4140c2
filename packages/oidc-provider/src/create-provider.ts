import { createHmac, randomBytes } from 'node:crypto';
import { Router } from 'express';
import { assignRequestId, compileTrustedProxies, type TrustedProxies } from '@waymark/http';
import type { JsonObject, Logger } from '@waymark/sdk';
import Provider, {
  interactionPolicy,
  type AsymmetricSigningAlgorithm,
  type Client,
  type ClientMetadata,
  type Configuration,
  type ErrorOut,
  type Grant,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { kvAdapter } from './adapter.js';
import { cibaFeature } from './ciba.js';
import { cibaApprovalRoutes, cibaApprovals, type CibaApprovals } from './ciba-approval.js';
import { deviceFlowFeature } from './device.js';
import { grantFeatures, resolveGrants, unauthorizedClientError } from './grants.js';
import { withStoreClients } from './clients/adapter.js';
import { clientCors, clientPkce, clientTtl, refreshTokenPolicy, withX5t, x5tByKid } from './clients/features.js';
import { clientMetadata } from './clients/metadata.js';
import { storeClientChecks } from './clients/middleware.js';
import { clientRoutes } from './clients/routes.js';
import { StoreClients } from './clients/store-clients.js';
import { DEFAULTS, type OidcTtl } from './defaults.js';
import { OidcProviderOptionsError } from './errors.js';
import { interactionRoutes, pageCsp, type ResolvedPolicy } from './interactions.js';
import { RESPONSE_TYPES, matchRedirectUri, type Client as WaymarkClient } from '@waymark/core';
import { requireValidHost } from './lib/host.js';
import { alertPage, csrfTokens } from './lib/pages.js';
import { endWaymarkSession, logoutSource, postLogoutSuccessSource } from './logout.js';
import {
  checkOidcProviderOptions,
  type CheckedOidcProviderOptions,
  type OidcEngine,
  type OidcProvider,
  type OidcProviderOptions,
} from './options.js';
import { resourceServers } from './resource-servers.js';
import { waymarkSessionCheck } from './session-bound.js';
import { tokenExchange, TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange.js';

/** What `createOidcProvider` returns. */
export interface WaymarkOidcProvider {
  /** The oidc-provider instance (events, `callback()`); its full API is oidc-provider's. */
  readonly provider: OidcProvider;
  /** Mount at the application's root (`app.use(router)`): it serves the issuer's path only. */
  readonly router: Router;
  readonly issuer: string;
  /** The path the provider lives under ('' at the root). */
  readonly mountPath: string;
  /** Absolute URL of the discovery document. */
  readonly discoveryUrl: string;
  /** CIBA approvals (find, approve, deny) when `grants.ciba` is on: for channels that authenticate the person themselves. */
  readonly ciba: CibaApprovals | undefined;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The keys the provider signs with; development falls back to oidc-provider's and a random cookie key. */
function keysOf(options: CheckedOidcProviderOptions): { jwks: { keys: JsonObject[] } | undefined; cookieKeys: string[] } {
  const jwks = options.jwks ? { keys: [...options.jwks.keys] as JsonObject[] } : undefined;
  const cookieKeys = options.cookieKeys ? [...options.cookieKeys] : [randomBytes(32).toString('base64url')];
  return { jwks, cookieKeys };
}

/** The JWS algorithm of the provider's JWT access tokens: the first key's (RS256 for RSA, ES256 for P-256, EdDSA for Ed25519). */
function accessTokenAlg(jwks: { keys: JsonObject[] } | undefined): AsymmetricSigningAlgorithm {
  const first = jwks?.keys[0];
  if (typeof first?.alg === 'string') return first.alg as AsymmetricSigningAlgorithm;
  if (first?.kty === 'EC' && first.crv === 'P-256') return 'ES256';
  if (first?.kty === 'OKP') return 'EdDSA';
  return 'RS256';
}

function clientsOf(options: CheckedOidcProviderOptions): { metadata: ClientMetadata[]; policies: Map<string, ResolvedPolicy> } {
  const policies = new Map<string, ResolvedPolicy>();
  const metadata = options.clients.map((client): ClientMetadata => {
    const policy = client.waymark;
    policies.set(client.client_id, {
      clientId: client.client_id,
      flows: [...policy.flows],
      firstParty: policy.firstParty,
      redirectUris: [...(client.redirect_uris ?? [])],
      csp: pageCsp(client.redirect_uris ?? []),
      corsOrigins: policy.corsOrigins,
    });
    const { waymark: _policy, ...rest } = client;
    // Without this, oidc-provider defaults acr_values to every flow of every client (its global
    // acrValues), and the client's default would depend on the others' configuration. The rest
    // is JSON configuration (`response_types` as plain strings…), which oidc-provider validates
    // itself (RFC 7591 metadata; a bad value is its `invalid_client_metadata`).
    return { default_acr_values: policy.flows.slice(0, 1), ...rest } as ClientMetadata;
  });
  return { metadata, policies };
}

/** The grant types this provider serves (a store client's others are left out of its metadata). */
function providerGrants(configuration: Configuration): Set<string> {
  const features = configuration.features ?? {};
  return new Set([
    'authorization_code',
    'implicit',
    'refresh_token',
    ...(features.clientCredentials?.enabled ? ['client_credentials'] : []),
    ...(features.deviceFlow?.enabled ? ['urn:ietf:params:oauth:grant-type:device_code'] : []),
    ...(features.ciba?.enabled ? ['urn:openid:params:grant-type:ciba'] : []),
    // RFC 8693 token exchange, registered on every provider (token-exchange.ts).
    TOKEN_EXCHANGE_GRANT_TYPE,
  ]);
}

/** The interaction policy of a client of the client store: its flows, first-party flag, redirect URIs and CORS origins. */
function policyOfClient(client: WaymarkClient): ResolvedPolicy {
  return {
    clientId: client.clientId,
    flows: [...client.allowedFlows],
    firstParty: client.firstParty,
    redirectUris: [...client.redirectUris],
    csp: pageCsp(client.redirectUris),
    corsOrigins: [...client.corsOrigins],
  };
}

/**
 * Creates a certified OpenID Provider (panva/oidc-provider 9) whose every login runs as a
 * Waymark journey, ready to mount next to the Waymark adapter in one express app.
 *
 * - Each interaction becomes a journey of the client's flow (`waymark.flows[0]`, or the first
 *   `acr_values` entry it allows); its callbacks render as the adapter's pages and JSON.
 * - Success signs the user in with the journey's subject, acr, amr and authentication time;
 *   failure returns `access_denied` to the client.
 * - First-party clients (the default) get the scopes they request without a consent page.
 * - The provider stores everything in `stores.kv`, so several processes sharing Redis stores
 *   share sessions, codes and tokens.
 * - RP-initiated logout ends the provider's session and the Waymark session together.
 *
 * @example
 * const engine = await createEngine({ nodes: builtinNodes, stores });
 * engine.load(JSON.parse(readFileSync('flows/login.json', 'utf8')));
 * const op = createOidcProvider({
 *   issuer: 'https://login.example.com/oidc', engine, stores, jwks, cookieKeys,
 *   clients: [{ client_id: 'profile-app', client_secret: process.env.PROFILE_SECRET,
 *               redirect_uris: ['https://profile.example.com/callback'], waymark: { flows: ['login'] } }],
 * });
 * const app = express();
 * app.use('/', createWaymarkRouter({ issuer: 'https://login.example.com', clients, stores, engine }));
 * app.use(op.router);
 */
export function createOidcProvider(input: OidcProviderOptions): WaymarkOidcProvider {
  // Every option checked at once (ERR_CONFIG_INVALID: pointer and fix), defaults filled in.
  const options = checkOidcProviderOptions(input);
  const issuer = options.issuer;
  const stores = options.stores;
  const { jwks, cookieKeys } = keysOf(options);
  const thumbprints = x5tByKid(jwks?.keys ?? []);
  const signingKid = jwks?.keys[0]?.kid as string | undefined;
  const { metadata, policies: staticPolicies } = clientsOf(options);
  const now = Date.now;
  // The one client registry (issue 15): clients of the control plane's client store, looked up at every request.
  const storeClients = options.clientStore ? new StoreClients(options.clientStore, options.logger ?? silentLogger) : undefined;
  const waymark = (clientId: string | undefined): WaymarkClient | undefined =>
    clientId === undefined || staticPolicies.has(clientId) ? undefined : storeClients?.current(clientId);
  const metadataOptions = (clientId: string) => ({
    logoUrl: `${issuer.replace(/\/+$/, '')}/clients/${encodeURIComponent(clientId)}/logo`,
    grants: providerGrants(configuration),
    scopes: new Set(configuration.scopes ?? []),
  });
  const policyOf = async (clientId: string): Promise<ResolvedPolicy | undefined> => {
    const fixed = staticPolicies.get(clientId);
    if (fixed || !storeClients) return fixed;
    const client = await storeClients.find(clientId);
    return client ? policyOfClient(client) : undefined;
  };
  const sessionCookie = options.sessionCookie;
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(options.trustedProxies);
  } catch (error) {
    throw new OidcProviderOptionsError('trustedProxies', `${(error as Error).message}; list IPs or CIDR ranges such as "10.0.0.0/8"`);
  }
  const ttl: OidcTtl = options.ttl;
  const claims = options.claims ?? DEFAULTS.claims;
  const logger = options.logger ?? silentLogger;
  const mountPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const flows = [...new Set([...staticPolicies.values()].flatMap((p) => p.flows))];

  const resources = resourceServers(options.resourceServers, accessTokenAlg(jwks), (clientId) => waymark(clientId)?.allowedScopes);
  const exchange = tokenExchange({
    issuer,
    jwks,
    targets: resources.targets,
    allowedScopes: (clientId) => waymark(clientId)?.allowedScopes,
  });
  const grants = resolveGrants(options.grants);
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;

  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(waymarkSessionCheck(stores, sessionCookie));

  let provider: Provider;
  const configuration: Configuration = {
    adapter: storeClients
      ? withStoreClients(
          kvAdapter(stores.kv, Date.now, stores.counters),
          storeClients,
          (client) => clientMetadata(client, metadataOptions(client.clientId)),
          now,
        )
      : kvAdapter(stores.kv, Date.now, stores.counters),
    clients: metadata,
    ...(jwks ? { jwks } : {}),
    cookies: { keys: cookieKeys },
    // The standalone claims oidc-provider knows by default, then the scopes. `amr` (the methods
    // the journey recorded) rides with `openid`, so every ID token carries it when known.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      ...Object.fromEntries(Object.entries(claims).map(([scope, list]) => [scope, [...list]])),
      openid: [...new Set([...(claims.openid ?? ['sub']), 'amr'])],
    },
    scopes: [...new Set(['openid', 'offline_access', ...Object.keys(claims)])],
    // The static clients' flows; a store client's flows are chosen per client (chooseFlow) and named by the journey's acr.
    acrValues: flows,
    // Every response type a client may register (OAuth 2.0 Multiple Response Types); each client's own list restricts it.
    responseTypes: [...RESPONSE_TYPES, 'none'],
    // OAuth 2.1 / RFC 9700 §2.1.1: PKCE for every client, unless a client of the store says OPTIONAL.
    pkce: clientPkce(waymark),
    ...refreshTokenPolicy(waymark),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: resources.feature,
      // RFC 6749 §4.4 client credentials (an agent's own token, the actor token of a token exchange) and RFC 7662 introspection, as `grants` says.
      ...grantFeatures(grants),
      // RFC 9449: a client that sends a DPoP proof to the token endpoint gets tokens bound to its
      // key (cnf.jkt), usable only with a proof; `dpop_bound_access_tokens: true` makes it a must (§5.2).
      dPoP: { enabled: true },
      deviceFlow: deviceFlowFeature(grants.deviceFlow),
      ciba: cibaFeature(grants.ciba, options.ciba, { kv: stores.kv, approvalUrl: (id) => `${base}/ciba/${id}`, logger }),
      // RFC 9101: request objects, signed (per client: require_signed_request_object).
      requestObjects: { enabled: true, requireSignedRequestObject: false },
    },
    formats: {
      customizers: {
        // x5t in the header of JWT access tokens for the clients that ask (include_x5t).
        async jwt(ctx, _token, jwt) {
          const x5t = thumbprints.get(signingKid);
          if (x5t !== undefined && waymark(ctx?.oidc.client?.clientId)?.includeX5t) jwt.header = { ...jwt.header, x5t };
        },
      },
    },
    // RFC 8693 token exchange: the per-client impersonation flag and the `act` claim.
    extraClientMetadata: exchange.extraClientMetadata,
    extraTokenClaims: exchange.extraTokenClaims,
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`, policy },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims(_use, scope) {
          const extra = options.findClaims ? await options.findClaims(sub, scope) : {};
          return { ...extra, sub };
        },
      };
    },
    // First-party clients: grant the requested OpenID scopes and claims here, so the consent
    // prompt never fires (the interaction also grants it, should it fire for one of them).
    async loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
      const client = ctx.oidc.client;
      const accountId = ctx.oidc.session?.accountId;
      if (!client || accountId === undefined) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(client.clientId);
      let grant = grantId ? await provider.Grant.find(grantId) : undefined;
      if (grant && (grant.accountId !== accountId || grant.clientId !== client.clientId)) grant = undefined;
      if (!(await policyOf(client.clientId))?.firstParty) return grant;
      grant ??= new provider.Grant({ clientId: client.clientId, accountId });
      const scopes = [...ctx.oidc.requestParamOIDCScopes].join(' ');
      if (scopes !== '') grant.addOIDCScope(scopes);
      const requested = [...ctx.oidc.requestParamClaims];
      if (requested.length > 0) grant.addOIDCClaims(requested);
      // RFC 8707: the requested scopes each resource server lists (getResourceServerInfo vetted the indicator).
      for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
        const granted = [...ctx.oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
        if (granted.length > 0) grant.addResourceScope(indicator, granted.join(' '));
      }
      await grant.save();
      return grant;
    },
    renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
      ctx.type = 'html';
      ctx.body = alertPage('Sign-in error', out.error_description ? `${out.error}: ${out.error_description}` : out.error);
    },
    clientBasedCORS: clientCors(waymark, (clientId) => staticPolicies.get(clientId)?.corsOrigins),
    // Per client (access_token_ttl, id_token_ttl, refresh token duration and rolling duration, PAR timeout), else `ttl`.
    ttl: {
      ...clientTtl(ttl, waymark, now),
      // CIBA §7.1: the client may ask for a shorter lifetime with requested_expiry.
      BackchannelAuthenticationRequest: (ctx: KoaContextWithOIDC | undefined) => {
        const requested = Number(ctx?.oidc.params?.requested_expiry);
        return Number.isSafeInteger(requested) && requested > 0
          ? Math.min(requested, ttl.BackchannelAuthenticationRequest)
          : ttl.BackchannelAuthenticationRequest;
      },
    },
  };
  try {
    provider = new Provider(issuer, configuration);
  } catch (error) {
    throw new OidcProviderOptionsError('options', `were refused by oidc-provider: ${(error as Error).message}`);
  }
  exchange.register(provider);
  provider.proxy = options.proxy ?? DEFAULTS.proxy;
  provider.use(unauthorizedClientError);
  // oidc-provider's ID token header has `kid` only: a client with include_x5t gets it re-signed with `x5t` added.
  const idTokenIssue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueWithX5t(this: { client?: Client }, ...args: Parameters<typeof idTokenIssue>) {
    const jwt = await idTokenIssue.apply(this, args);
    if (typeof jwt !== 'string' || !waymark(this.client?.clientId)?.includeX5t) return jwt;
    return withX5t(jwt, jwks?.keys ?? [], thumbprints);
  };
  if (storeClients) {
    // Redirect URI patterns (wildcards) of store clients, beside oidc-provider's exact matching.
    const redirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
    provider.Client.prototype.redirectUriAllowed = function redirectUriAllowedOrPattern(this: Client, uri: string) {
      if (redirectUriAllowed.call(this, uri)) return true;
      const client = waymark(this.clientId);
      return client !== undefined && matchRedirectUri(client, uri);
    };
  }
  if (storeClients) provider.use(storeClientChecks({ mountPath: '', find: (clientId) => storeClients.find(clientId) }));
  provider.use(endWaymarkSession(stores, sessionCookie, options.audit ? { auditor: options.audit, trustedProxies } : undefined));
  provider.on('server_error', (_ctx, error) =>
    logger.error('oidc-provider server_error', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );

  // The CSRF key of the interaction forms derives from the cookie keys, so every process agrees.
  const csrfKey = createHmac('sha256', cookieKeys[0] as string)
    .update('waymark-oidc-interaction-csrf')
    .digest();
  const router = Router();
  const mount = mountPath === '' ? '/' : mountPath;
  // X-Request-Id on every response of the provider (the same id the adapter gives the request when both are mounted).
  router.use(mount, (req, res, next) => {
    assignRequestId(req, res, trustedProxies);
    next();
  });
  router.use(
    mount,
    requireValidHost(() => provider.proxy, logger),
  );
  router.use(
    `${mountPath}/interaction`,
    interactionRoutes({
      provider,
      engine: options.engine as OidcEngine,
      stores,
      policies: policyOf,
      csrf: csrfTokens(csrfKey),
      trustedProxies,
      bodyLimit: DEFAULTS.bodyLimit,
      logger,
      ...(options.audit ? { audit: options.audit } : {}),
      now: Date.now,
    }),
  );
  let ciba: CibaApprovals | undefined;
  if (grants.ciba !== false) {
    const deps = {
      provider,
      engine: options.engine as OidcEngine,
      stores,
      policies: policyOf,
      resourceServers: options.resourceServers,
      oidcScopes: new Set(configuration.scopes),
      csrf: csrfTokens(csrfKey),
      trustedProxies,
      bodyLimit: DEFAULTS.bodyLimit,
      logger,
      now: Date.now,
    };
    ciba = cibaApprovals(deps);
    router.use(`${mountPath}/ciba`, cibaApprovalRoutes(deps, ciba));
  }
  // A store client's logo and its third-party initiated login (OIDC Core §4).
  if (storeClients) router.use(`${mountPath}/clients`, clientRoutes({ clients: storeClients, issuer }));
  router.use(mount, provider.callback());
  return { provider, router, issuer, mountPath, discoveryUrl: `${base}/.well-known/openid-configuration`, ciba };
}
