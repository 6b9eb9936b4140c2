/**
 * The gateway's configuration: the `gateway` section of `waymark.config.json`, or the file of
 * `waymark gateway --config`. Its JSON Schema is `gatewayConfigSchema` (schema.ts), which also
 * gives every default and why.
 */

/** Whose tokens a route believes (RFC 9068 JWT access tokens checked by @waymark/access-token). */
export interface TokenSettings {
  /** The authorization server's issuer (`iss`). */
  issuer: string;
  /** Its JWK set URL. */
  jwksUri: string;
  /** The audience a token must name. Default: the route's resource (RFC 8707: the token is bound to this resource). */
  audience?: string | string[];
  /** Signing algorithms accepted. Default @waymark/access-token's. */
  algorithms?: string[];
}

/** How the gateway authenticates to the upstream. The agent's token is never forwarded (MCP: no token passthrough). */
export type UpstreamAuth =
  | { type: 'none' }
  | { type: 'api-key'; header?: string; value?: string; valueEnv?: string }
  | {
      type: 'token-exchange';
      /** The authorization server's token endpoint (RFC 8693 §2.1). */
      tokenEndpoint: string;
      clientId: string;
      clientSecret?: string;
      clientSecretEnv?: string;
      /** The upstream's audience (RFC 8693 §2.1 `audience`). */
      audience?: string;
      /** The upstream's resource indicator (RFC 8693 §2.1 `resource`, RFC 8707). */
      resource?: string;
      scope?: string;
      /**
       * Delegation (RFC 8693 §2.1 `actor_token`): the gateway's own token by client credentials
       * (RFC 6749 §4.4, `resource`/`scope` as given) is sent as the actor, so the upstream's token
       * names the gateway in `act` (§4.1). Without it no actor token is sent.
       */
      actorToken?: { resource?: string; scope?: string };
    };

/** The gateway's CIBA client (OpenID Connect CIBA Core 1.0, poll mode) for out-of-band step-up approvals. */
export interface StepUpCiba {
  /** The provider's issuer, which the ID token of an approval must name. Default: the token endpoint's origin. */
  issuer?: string;
  backchannelEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  clientSecretEnv?: string;
  scope?: string;
}

/** One rate limit of a route: at most `max` calls per window per route, tool, client or subject. */
export interface RateLimitSettings {
  per: 'route' | 'tool' | 'client' | 'subject';
  max: number;
  windowSeconds: number;
  /** Only calls of this tool count (mcp routes). Default: every call. */
  tool?: string;
}

interface RouteBase {
  /** Names the route in metrics, audit and rate-limit keys: lower-case letters, digits, dashes. */
  name: string;
  /** Where the route is mounted on the gateway (`/mcp/bank`); requests under it are this route's. */
  path: string;
}

/** Mutual TLS to an https upstream that asks for a client certificate: PEM files, paths relative to the working directory. */
export interface UpstreamTls {
  /** The gateway's client certificate (with its chain). */
  certFile: string;
  /** Its private key. */
  keyFile: string;
  /** The CAs the upstream's server certificate must chain to. Default: the system's. */
  caFile?: string;
  /** The name the upstream's certificate must carry. Default: the upstream URL's host. */
  servername?: string;
}

interface ProtectedRoute extends RouteBase {
  /** The upstream's URL; the path under the route is appended. */
  upstream: string;
  token: TokenSettings;
  upstreamAuth?: UpstreamAuth;
  /** Mutual TLS to the upstream (a client certificate), for an https upstream that requires one. */
  upstreamTls?: UpstreamTls;
  rateLimits?: RateLimitSettings[];
}

/** A step-up rule: calls of `tool` whose argument at `argument` (a JSON pointer) is above `above` need an approved transaction. */
export interface StepUpRule {
  tool: string;
  argument: string;
  above: number;
}

export interface McpRouteConfig extends ProtectedRoute {
  kind: 'mcp';
  /** The canonical resource URI (RFC 8707, RFC 9728 `resource`). Default: the gateway's `publicUrl` + `path`. */
  resource?: string;
  /** RFC 9728 `authorization_servers`. Default: `[token.issuer]`. */
  authorizationServers?: string[];
  /** RFC 9728 `scopes_supported`: the minimal scopes for basic use. Default: every scope the route names. */
  scopesSupported?: string[];
  resourceName?: string;
  /** Scopes per JSON-RPC method (`"*"` applies to every method). */
  methodScopes?: Record<string, string[]>;
  /** Scopes per tool, for `tools/call` (and to filter `tools/list`). */
  toolScopes?: Record<string, string[]>;
  /** Tools nobody may see or call through this route. */
  deniedTools?: string[];
  /** Browser origins allowed to call (the DNS-rebinding rule); a request without `Origin` is not a browser's. */
  allowedOrigins?: string[];
  stepUp?: StepUpRule[];
}

/** Scopes an api route requires for requests whose method and path match. */
export interface ApiScopeRule {
  /** HTTP methods; default all. */
  methods?: string[];
  /** A path prefix under the route (`/accounts`), or `*` for all. */
  path: string;
  scopes: string[];
}

export interface ApiRouteConfig extends ProtectedRoute {
  kind: 'api';
  /** The audience tokens must name. Default: `publicUrl` + `path`. */
  resource?: string;
  scopes?: ApiScopeRule[];
}

/** A web route (CDSSO): its options are the web routes' own (packages/gateway/src/web); dispatched to a factory. */
export interface WebRouteConfig extends RouteBase {
  kind: 'web';
  [option: string]: unknown;
}

export type RouteConfig = McpRouteConfig | ApiRouteConfig | WebRouteConfig;

export interface GatewayConfig {
  /** The URL agents reach the gateway at (no trailing slash): resource URIs and metadata URLs derive from it. */
  publicUrl: string;
  routes: RouteConfig[];
  /** The transactional-authorization policy (@waymark/policy's configuration) the step-up rules are decided by. */
  policies?: unknown;
  /** Where a person approves a transaction: a URL with `{txId}`. Default `<token issuer origin>/policies/transactions/{txId}/stepup`. */
  stepUpUrl?: string;
  /** The person approves step-ups through OpenID Connect CIBA (poll mode) at this provider, instead of at `stepUpUrl`. */
  stepUpCiba?: StepUpCiba;
  /** The largest request body read (bytes). Default 1 MiB. */
  bodyLimit?: number;
}
