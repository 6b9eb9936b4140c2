/**
 * The JSON Schema of one client configuration, modelled on PingOne's application settings
 * (see the README). It judges shape only; rules that tie fields together (a secret for a
 * secret method, PKCE for public clients, …) live in `rules.ts` where each can say its fix.
 *
 * Written with draft-07 keywords only, and no `format`, so that it compiles unchanged on
 * ajv 6 and ajv 8.
 */
export const CLIENT_TYPES = ['native', 'web', 'spa', 'service', 'session-transfer', 'ai-agent'] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export const PKCE_ENFORCEMENTS = ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'] as const;
/** Asymmetric JWS algorithms accepted for `private_key_jwt` (RFC 7523); `none` and HMAC never. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const stringList = (items: object = { type: 'string', minLength: 1 }) => ({ type: 'array', items, uniqueItems: true });

export const clientConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'type', 'token_endpoint_auth_method', 'allowed_flows'],
  properties: {
    // RFC 6749 §A.1: client_id is printable ASCII (VSCHAR); we also forbid spaces and ':' so
    // it survives Basic authentication and metric labels unchanged.
    client_id: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x39\\x3B-\\x7E]+$' },
    name: { type: 'string', maxLength: 255 },
    type: { type: 'string', enum: CLIENT_TYPES },
    token_endpoint_auth_method: { type: 'string', enum: TOKEN_ENDPOINT_AUTH_METHODS },
    client_secret: { type: 'string', minLength: 32, maxLength: 512 },
    token_endpoint_auth_signing_alg_values: { type: 'array', items: { type: 'string', enum: SIGNING_ALGORITHMS }, minItems: 1, uniqueItems: true },
    jwks: {
      type: 'object',
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kty'], properties: { kty: { type: 'string' } } } } },
    },
    jwks_uri: { type: 'string', minLength: 1 },
    redirect_uris: stringList(),
    redirect_uri_patterns: stringList(),
    require_pushed_authorization_requests: { type: 'boolean', default: false },
    par_reference_timeout: { type: 'integer', minimum: 1, maximum: 600, default: 60 },
    pkce: { type: 'string', enum: PKCE_ENFORCEMENTS, default: 'S256_REQUIRED' },
    allowed_flows: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } },
    redirect_targets: stringList(),
    allowed_pushed_parameters: stringList({ type: 'string', pattern: '^[a-z][a-z0-9_]*$' }),
    cors_origins: stringList(),
  },
} as const;
