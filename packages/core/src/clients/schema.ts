/**
 * The JSON Schema of one client configuration, modelled on PingOne's application settings
 * (see the README). It judges shape only; rules that tie fields together (a secret for a
 * secret method, PKCE for public clients, …) live in `rules.ts` where each can say its fix.
 *
 * Compiled by core's configuration validator (`compileConfigSchema`, draft 2020-12): each
 * `description` says what a field must be, and ends the message of a problem found there, so
 * every message names the fix.
 */
export const CLIENT_TYPES = ['native', 'web', 'spa', 'service', 'session-transfer', 'ai-agent'] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'] as const;
/** RFC 7591 §2 / OAuth 2.0 Multiple Response Types: PingOne's Code, Token and ID Token, and their combinations. */
export const RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const;
/** RFC 7591 §2 grant types, plus device (RFC 8628), CIBA and token exchange (RFC 8693). */
export const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:openid:params:grant-type:ciba',
  'urn:ietf:params:oauth:grant-type:token-exchange',
] as const;
export const CORS_POLICIES = ['any_origin', 'specific_origins', 'no_origins'] as const;
export const REQUEST_OBJECT_POLICIES = ['default', 'require_signed', 'allow_unsigned'] as const;

/** Bounds of the per-client settings (seconds, bytes), each with its reason (PingOne's bounds). */
export const CLIENT_LIMITS = {
  /** A logo is at most 1 MB (PingOne's icon limit), JPEG, GIF or PNG. */
  logoBytes: 1024 * 1024,
  /** Token lifetimes: one minute to one day (PingOne recommends an hour or less). */
  tokenTtlMin: 60,
  tokenTtlMax: 86400,
  /** Refresh token duration and rolling duration: 60 s to 1826 days (PingOne, opaque tokens). */
  refreshMin: 60,
  refreshMax: 1826 * 86400,
  /** Default refresh token duration: 30 days. */
  refreshDuration: 30 * 86400,
  /** Default rolling duration: 180 days after the last sign-in. */
  refreshRollingDuration: 180 * 86400,
  /** Rolling grace period: 0 to 24 hours (PingOne). */
  graceMax: 86400,
} as const;
export const PKCE_ENFORCEMENTS = ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'] as const;
/** Asymmetric JWS algorithms accepted for `private_key_jwt` (RFC 7523); `none` and HMAC never. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const stringList = (description: string, items: object = { type: 'string', minLength: 1 }) => ({
  type: 'array',
  items,
  uniqueItems: true,
  description: `${description}, each listed once`,
});

export const clientConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'type', 'token_endpoint_auth_method', 'allowed_flows'],
  properties: {
    // RFC 6749 §A.1: client_id is printable ASCII (VSCHAR); we also forbid spaces and ':' so
    // it survives Basic authentication and metric labels unchanged.
    client_id: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x39\\x3B-\\x7E]+$',
      description: 'the client id: 1 to 255 characters of printable ASCII without spaces or ":"',
    },
    name: { type: 'string', maxLength: 255, description: 'a label for people, at most 255 characters' },
    description: { type: 'string', maxLength: 1024, description: 'a short description for people, at most 1024 characters' },
    logo: {
      type: 'string',
      maxLength: 1_400_000,
      description: 'a data URL of a JPEG, GIF or PNG image of at most 1 MB ("data:image/png;base64,...")',
    },
    enabled: { type: 'boolean', description: 'false disables the client: every endpoint answers invalid_client. Default true' },
    first_party: {
      type: 'boolean',
      description: "true: the OpenID Provider grants the scopes it asks for without a consent page (the deployment's own apps). Default true",
    },
    response_types: stringList('the response types the client uses', { type: 'string', enum: RESPONSE_TYPES, description: 'a response type' }),
    grant_types: stringList('the grant types the client uses', { type: 'string', enum: GRANT_TYPES, description: 'a grant type' }),
    post_logout_redirect_uris: stringList('the sign-off URLs the browser may return to after logout'),
    initiate_login_uri: { type: 'string', minLength: 1, description: "the https URL of the client's login initiation endpoint (OIDC Core §4)" },
    target_link_uri: { type: 'string', minLength: 1, description: 'the https URL users land on after a third-party initiated login (OIDC Core §4)' },
    request_object_signature: {
      type: 'string',
      enum: REQUEST_OBJECT_POLICIES,
      description: 'default (a request object, when sent, is signed), require_signed (RFC 9101 request objects, always signed) or allow_unsigned',
    },
    include_x5t: { type: 'boolean', description: 'true adds the signing certificate thumbprint x5t to the header of ID and access tokens' },
    id_token_ttl: {
      type: 'integer',
      minimum: CLIENT_LIMITS.tokenTtlMin,
      maximum: CLIENT_LIMITS.tokenTtlMax,
      description: 'the ID token lifetime, 60 to 86400 seconds',
    },
    access_token_ttl: {
      type: 'integer',
      minimum: CLIENT_LIMITS.tokenTtlMin,
      maximum: CLIENT_LIMITS.tokenTtlMax,
      description: 'the access token lifetime, 60 to 86400 seconds',
    },
    refresh_token_format: { type: 'string', enum: ['opaque', 'jwt'], description: '"opaque"' },
    refresh_token_duration: {
      type: 'integer',
      minimum: CLIENT_LIMITS.refreshMin,
      maximum: CLIENT_LIMITS.refreshMax,
      description: 'the lifetime of each refresh token, 60 seconds to 1826 days (157766400 seconds)',
    },
    refresh_token_rolling_duration: {
      type: 'integer',
      minimum: CLIENT_LIMITS.refreshMin,
      maximum: CLIENT_LIMITS.refreshMax,
      description: 'how long after the last sign-in refresh tokens keep rolling, 60 seconds to 1826 days (157766400 seconds)',
    },
    refresh_token_rolling_grace_period: {
      type: 'integer',
      minimum: 0,
      maximum: CLIENT_LIMITS.graceMax,
      description: 'how long a rotated refresh token stays usable, 0 to 86400 seconds',
    },
    refresh_token_replay_protection: {
      type: 'boolean',
      description: 'true: the reuse of a rotated refresh token revokes every token of its grant',
    },
    cors_policy: { type: 'string', enum: CORS_POLICIES, description: 'any_origin, specific_origins (cors_origins) or no_origins' },
    // A client shipped for demos (public, loopback targets): `waymark serve` in production mode refuses it.
    demo: { type: 'boolean', default: false, description: 'true marks a client shipped for demos, which production mode refuses; false or absent for a real client' },
    type: { type: 'string', enum: CLIENT_TYPES, description: 'the kind of application' },
    token_endpoint_auth_method: { type: 'string', enum: TOKEN_ENDPOINT_AUTH_METHODS, description: 'how the client authenticates' },
    // Its problems are reported without the value (load-clients.ts): the value is a secret.
    client_secret: { type: 'string', minLength: 32, maxLength: 512 },
    token_endpoint_auth_signing_alg_values: {
      type: 'array',
      items: { type: 'string', enum: SIGNING_ALGORITHMS },
      minItems: 1,
      uniqueItems: true,
      description: 'the asymmetric JWS algorithms the client signs with, at least one, each listed once',
    },
    jwks: {
      type: 'object',
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kty'], properties: { kty: { type: 'string' } } } } },
      description: 'the client\'s public keys: { "keys": [ JWK, … ] } with at least one key',
    },
    jwks_uri: { type: 'string', minLength: 1, description: 'the https URL of the client\'s public keys' },
    redirect_uris: stringList('the redirect URIs of the client'),
    redirect_uri_patterns: stringList('redirect URI patterns with "*" as the left-most host label'),
    require_pushed_authorization_requests: { type: 'boolean', default: false, description: 'true or false: whether the client must push its requests (PAR)' },
    par_reference_timeout: { type: 'integer', minimum: 1, maximum: 600, default: 60, description: 'a whole number of seconds from 1 to 600' },
    pkce: { type: 'string', enum: PKCE_ENFORCEMENTS, default: 'S256_REQUIRED', description: 'how PKCE is enforced' },
    allowed_flows: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'a flow id (letters, digits, ".", "_", "-")' },
      description: 'the flows the client may run, at least one, each listed once; the first is the default',
    },
    redirect_targets: stringList('the URLs a journey of the client may end at'),
    allowed_pushed_parameters: stringList('the extra parameters the client may push', {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]*$',
      description: 'a lower-case parameter name (a-z, 0-9, "_")',
    }),
    // RFC 6749 §3.3 scope-token; PingOne's "selected scopes" of an application.
    allowed_scopes: stringList('the scopes the client may request', {
      type: 'string',
      pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$',
      description: 'a scope token (RFC 6749 §3.3: printable ASCII without space, " or \\)',
    }),
    cors_origins: stringList('the origins allowed to call from a browser (at most one "*" each, never in the registrable domain)'),
  },
} as const;
