/**
 * Authorization request parameters the adapter understands, shared by PAR and authorize.
 */

/** Standard authorization request parameters (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1, RFC 8707, RFC 9396, RFC 9449). */
export const STANDARD_AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'response_mode',
  'nonce',
  'display',
  'prompt',
  'max_age',
  'ui_locales',
  'claims_locales',
  'id_token_hint',
  'login_hint',
  'acr_values',
  'claims',
  'resource',
  'authorization_details',
  'dpop_jkt',
]);

/** Client authentication parameters (RFC 6749 §2.3.1, RFC 7521 §4.2): consumed, never stored. */
export const CLIENT_AUTH_PARAMETERS: ReadonlySet<string> = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/** Parameters that reference or carry a whole request, which PAR does not take (RFC 9126 §2.1, §3). */
export const REQUEST_OBJECT_PARAMETERS: ReadonlySet<string> = new Set(['request_uri', 'request']);

/**
 * Pushed parameters that carry bearer credentials. They must never travel in a front-channel
 * URL, so a client may push them only when it is also required to use PAR; and they are never
 * logged or echoed.
 */
export const TOKEN_PARAMETERS: ReadonlySet<string> = new Set(['subject_token', 'actor_token', 'access_token', 'id_token', 'refresh_token']);

/** RFC 7521 §4.2 / RFC 7523 §2.2: the only assertion type accepted for private_key_jwt. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 9126 §2.2: the prefix of every request_uri the PAR endpoint issues. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
