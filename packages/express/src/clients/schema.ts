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
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
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
    cors_origins: stringList('the origins allowed to call the journey API from a browser'),
  },
} as const;
