import { DEFAULTS } from './defaults.js';

const TTL_REASONS: Record<keyof typeof DEFAULTS.ttl, string> = {
  AccessToken: 'access tokens',
  AuthorizationCode: 'authorization codes (RFC 6749 §4.1.2: at most ten minutes)',
  IdToken: 'ID tokens',
  Interaction: 'a sign-in in progress',
  Session: "the provider's session",
  Grant: 'an auto-granted first-party consent',
  RefreshToken: 'refresh tokens (offline_access only)',
  ClientCredentials: "client credentials tokens (an API's accessTokenTtl wins)",
  DeviceCode: 'a device code waiting for its person (RFC 8628)',
  BackchannelAuthenticationRequest: 'a CIBA request waiting for its approval (a shorter requested_expiry wins)',
};

const ttl = Object.fromEntries(
  Object.entries(DEFAULTS.ttl).map(([name, seconds]) => [
    name,
    {
      type: 'integer',
      minimum: 1,
      default: seconds,
      description: `the lifetime of ${TTL_REASONS[name as keyof typeof DEFAULTS.ttl]} in seconds, a positive integer. Default ${seconds}`,
    },
  ]),
);

const strings = (description: string, item: string) => ({
  type: 'array',
  items: { type: 'string', minLength: 1, description: item },
  description,
});

/** One client: oidc-provider's metadata (RFC 7591 names, any other key passes to oidc-provider) plus `waymark`. */
const client = {
  type: 'object',
  required: ['client_id', 'waymark'],
  properties: {
    client_id: { type: 'string', minLength: 1, description: 'the client identifier, unique among the clients' },
    client_secret: { type: 'string', minLength: 1, writeOnly: true, description: 'the client secret of a confidential client' },
    redirect_uris: {
      ...strings(
        'the redirect URIs the client may use, at least one; a client without a redirect (client credentials, device, CIBA only) omits them and sets "response_types": []',
        'a redirect URI such as "https://app.example/callback"',
      ),
      minItems: 1,
    },
    post_logout_redirect_uris: strings('where RP-initiated logout may return to', 'a URI such as "https://app.example/"'),
    token_endpoint_auth_method: {
      type: 'string',
      minLength: 1,
      description:
        'how the client authenticates at the token endpoint: client_secret_basic (the default), client_secret_post, private_key_jwt or none',
    },
    grant_types: strings('the grant types the client uses', 'a grant type such as "authorization_code"'),
    response_types: strings('the response types the client uses', 'a response type such as "code"'),
    client_name: { type: 'string', description: 'a name for people' },
    waymark: {
      type: 'object',
      additionalProperties: false,
      required: ['flows'],
      description: 'the Waymark policy of the client: { "flows": ["login"] }',
      properties: {
        flows: {
          ...strings(
            'the flows its logins may run, the default first (acr_values may name another); at least one',
            'a flow id the engine has loaded',
          ),
          minItems: 1,
        },
        firstParty: {
          type: 'boolean',
          default: true,
          description:
            'true: the scopes it asks for are granted without a consent page (the clients of one deployment are its own apps). Default true',
        },
        corsOrigins: {
          type: 'array',
          default: [],
          items: { type: 'string', pattern: '^https?://[^/?#]+$', description: 'an origin such as "https://app.example.com" (no path)' },
          description: 'origins that may call the token and userinfo endpoints with CORS (single-page apps). Default none',
        },
      },
    },
  },
};

/**
 * The JSON Schema (draft 2020-12) of `createOidcProvider`'s options: every option, its default
 * (from `defaults.ts`) and what it is for. Engine, stores and the functions are checked for
 * presence here and for their shape in `checkOidcProviderOptions`.
 */
export const oidcProviderOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'engine', 'stores'],
  properties: {
    issuer: {
      type: 'string',
      format: 'uri',
      description:
        'the issuer identifier: an absolute https URL (http for localhost only), no query or fragment; its path is where the provider is mounted, such as "https://login.example.com/oidc"',
    },
    engine: { type: 'object', description: 'the engine from createEngine(), its flows loaded' },
    stores: {
      type: 'object',
      required: ['kv', 'sessions'],
      description: 'the stores: createMemoryStores() from @waymark/core or the Redis stores (sessions and kv are used)',
    },
    clients: {
      type: 'array',
      minItems: 1,
      items: client,
      description: 'OpenID Connect clients given as oidc-provider metadata plus "waymark" (the library shape); at least one when given',
    },
    clientStore: {
      type: 'object',
      description:
        "the control plane's ClientStore (@waymark/core's MemoryClientStore, the Redis one): the one client registry the adapter serves too, read at every request",
    },
    jwks: {
      type: 'object',
      required: ['keys'],
      additionalProperties: false,
      description: 'the private signing keys { "keys": [...] } (RS256 or ES256 first)',
      properties: {
        keys: {
          type: 'array',
          minItems: 1,
          description: 'the private JWKs (RFC 7517), at least one',
          items: {
            type: 'object',
            required: ['kty', 'd'],
            description: 'a private JWK, with "kty" and "d"',
            properties: {
              kty: { type: 'string', description: 'the key type, such as "RSA" or "EC"' },
              d: { type: 'string', writeOnly: true, description: 'the private part of the key: a public key cannot sign' },
            },
          },
        },
      },
    },
    cookieKeys: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 32, writeOnly: true, description: 'a random secret of 32 characters or more' },
      description: "the keys that sign the provider's cookies (the first signs, all verify)",
    },
    development: {
      type: 'boolean',
      default: false,
      description:
        "development only: without jwks, oidc-provider's published development keys; without cookieKeys, a random key. Default false",
    },
    sessionCookie: {
      type: 'string',
      pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$",
      default: DEFAULTS.sessionCookie,
      description: `the name of the Waymark session cookie (RFC 6265 token). Default "${DEFAULTS.sessionCookie}"`,
    },
    claims: {
      type: 'object',
      default: DEFAULTS.claims,
      additionalProperties: strings('the claims the scope releases', 'a claim name'),
      description:
        'scope → the claims the provider may release, such as { "openid": ["sub"], "email": ["email"] }. Default { "openid": ["sub"] }',
    },
    findClaims: { description: 'a function (sub, scope) → the claims of a subject for the ID token and userinfo' },
    proxy: { type: 'boolean', default: DEFAULTS.proxy, description: 'trust X-Forwarded-* from a TLS-terminating proxy. Default false' },
    trustedProxies: {
      ...strings(
        'proxies whose X-Forwarded-For names the client IP journeys see. Default none',
        'an IP address or CIDR range such as "10.0.0.0/8"',
      ),
      default: [],
    },
    ttl: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: ttl,
      description: 'lifetimes in seconds; any not given keeps its default',
    },
    resourceServers: {
      type: 'object',
      default: {},
      description:
        'the APIs the provider issues JWT access tokens for (RFC 8707 resource indicators), keyed by resource indicator (the token\'s aud): { "https://api.example.com/": { "scopes": ["payments"] } }. Default none',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['scopes'],
        description:
          'one API: { "scopes": [...], "clients"?: [...], "accessTokenTtl"?: seconds, "audience"?: aud, "accessTokenFormat"?: "jwt" | "opaque" }',
        properties: {
          scopes: { ...strings('the scopes a token for this API may carry, at least one', 'a scope such as "payments"'), minItems: 1 },
          clients: strings('the clients that may ask for its tokens. Default every client', 'a client_id of "clients"'),
          accessTokenTtl: {
            type: 'integer',
            minimum: 1,
            description: 'the lifetime of its access tokens in seconds. Default ttl.AccessToken',
          },
          audience: {
            type: 'string',
            minLength: 1,
            description: "the aud of its tokens (token exchange's audience parameter names it). Default the resource indicator",
          },
          accessTokenFormat: {
            enum: ['jwt', 'opaque'],
            description: 'jwt (RFC 9068, validated offline) or opaque (validated by introspection, RFC 7662). Default jwt',
          },
        },
      },
    },
    grants: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        'grants beyond authorization code and refresh token, and introspection: { "clientCredentials"?: true, "deviceFlow"?: true, "ciba"?: true, "introspection"?: false }. A client uses one only when its grant_types list it',
      properties: {
        clientCredentials: {
          type: 'boolean',
          default: false,
          description: 'RFC 6749 §4.4 client credentials (a JWT for the API named by resource). Default false',
        },
        deviceFlow: {
          type: 'boolean',
          default: false,
          description: "RFC 8628 device authorization, the person signing in at <issuer>/device through the client's flow. Default false",
        },
        ciba: {
          type: 'boolean',
          default: false,
          description:
            "OpenID Connect CIBA in poll mode, the person approving through the client's flow at a link the ciba.notify hook delivers; needs the ciba option. Default false",
        },
        introspection: {
          type: 'boolean',
          default: true,
          description: 'RFC 7662 introspection at <issuer>/token/introspection. Default true',
        },
      },
    },
    ciba: {
      type: 'object',
      required: ['findSubject'],
      description: 'CIBA hooks: { findSubject(loginHint, clientId) → sub | undefined, notify?(approval) } (functions)',
    },
    logger: { description: 'a Waymark logger. Default: silent' },
    audit: {
      description:
        "an Auditor (createAuditor of @waymark/core, or the adapter router's `audit`): authorize.ended per login interaction, session.ended on logout. Default: none",
    },
  },
};
