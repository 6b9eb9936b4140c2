import { json, operation, pathParam, pathsOf } from '../builder.js';
import type { OpenApiGroup } from '../types.js';

/*
 * The OpenID Provider (@waymark/oidc-provider on panva/oidc-provider), described from
 * oidc-provider's documented behaviour and Waymark's configuration of it (create-provider.ts:
 * PKCE required for every client, userinfo, revocation, RP-initiated logout and RFC 8707
 * resource indicators on; dev interactions off, every interaction a Waymark journey). Its own
 * error answers are RFC 6749 §5.2 bodies (JSON endpoints) or an error page (browser endpoints).
 * Its routes live inside oidc-provider, not in an express router stack, so the route-coverage
 * test cannot walk them: this group lists what oidc-provider's documentation says it serves.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Options of the provider's group. */
export interface ProviderGroupOptions {
  /** Where the provider is mounted: the path of its issuer, e.g. `/oidc`. */
  mountPath: string;
}

const oauthError = (description: string) => ({ description, content: json(ref('OAuthError')) });
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const redirect = (description: string) => ({ description, headers: { Location: { schema: { type: 'string' } } } });

/** The OpenID Provider's endpoints. */
export function providerGroup(options: ProviderGroupOptions): OpenApiGroup {
  const base = options.mountPath.replace(/\/+$/, '');
  const p = (path: string) => `${base}${path}`;
  const tag = 'OpenID Provider';
  const ops = [
    operation({
      method: 'get',
      path: p('/.well-known/openid-configuration'),
      id: 'openidConfiguration',
      summary: 'OpenID Provider metadata (OIDC Discovery 1.0 §4)',
      responses: {
        '200': {
          description: 'The metadata.',
          content: json({
            type: 'object',
            required: ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'],
            properties: {
              issuer: { type: 'string' },
              authorization_endpoint: { type: 'string' },
              token_endpoint: { type: 'string' },
              jwks_uri: { type: 'string' },
              userinfo_endpoint: { type: 'string' },
              revocation_endpoint: { type: 'string' },
              end_session_endpoint: { type: 'string' },
              scopes_supported: { type: 'array', items: { type: 'string' } },
              code_challenge_methods_supported: { type: 'array', items: { type: 'string' } },
            },
          }),
        },
      },
    }),
    operation({
      method: 'get',
      path: p('/auth'),
      id: 'oidcAuthorize',
      summary: 'Authorization endpoint (OIDC Core §3.1.2; PKCE required, RFC 7636)',
      description:
        "A browser navigation: `response_type=code`, `client_id`, `redirect_uri`, `scope`, `code_challenge` + `code_challenge_method=S256`, optional `resource` (RFC 8707) and `acr_values` (a flow id). Signs the user in with the client's Waymark journey at `/interaction/{uid}`.",
      tryIt: false,
      sampleQuery: {
        response_type: 'code',
        client_id: 'waymark-admin',
        redirect_uri: 'http://127.0.0.1:8765/callback',
        scope: 'openid waymark:admin:read',
        code_challenge: '<S256 challenge>',
        code_challenge_method: 'S256',
        resource: 'https://login.example.com/admin',
      },
      responses: {
        '303': redirect('To the interaction (sign-in journey), or back to the client with `code` (or `error`) and `iss` (RFC 9207).'),
        '400': page('An error page (the redirect URI could not be trusted).'),
      },
    }),
    operation({
      method: 'post',
      path: p('/token'),
      id: 'oidcToken',
      summary: 'Token endpoint (RFC 6749 §3.2)',
      description:
        '`grant_type=authorization_code` with `code_verifier` (RFC 7636 §4.5) or `refresh_token`; client authentication as registered (`none` for public clients). With a `resource` grant the access token is an RFC 9068 JWT for that audience.',
      body: {
        contentType: 'application/x-www-form-urlencoded',
        schema: {
          type: 'object',
          required: ['grant_type'],
          properties: {
            grant_type: { enum: ['authorization_code', 'refresh_token'] },
            code: { type: 'string' },
            redirect_uri: { type: 'string' },
            code_verifier: { type: 'string' },
            client_id: { type: 'string' },
            refresh_token: { type: 'string' },
            resource: { type: 'string' },
          },
        },
        example: {
          grant_type: 'authorization_code',
          code: '<code>',
          redirect_uri: 'http://127.0.0.1:8765/callback',
          code_verifier: '<verifier>',
          client_id: 'waymark-admin',
        },
      },
      responses: {
        '200': {
          description: 'Tokens (RFC 6749 §5.1).',
          content: json({
            type: 'object',
            required: ['access_token', 'token_type'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string' },
              expires_in: { type: 'integer' },
              id_token: { type: 'string' },
              refresh_token: { type: 'string' },
              scope: { type: 'string' },
            },
          }),
        },
        '400': oauthError('invalid_request, invalid_grant, invalid_target, unsupported_grant_type… (RFC 6749 §5.2)'),
        '401': oauthError('invalid_client'),
      },
    }),
    operation({
      method: 'post',
      path: p('/request'),
      id: 'oidcPushAuthorizationRequest',
      summary: 'Pushed authorization request (RFC 9126)',
      description:
        "oidc-provider's PAR endpoint: the authorization parameters (and client authentication), answered with a `request_uri` for `/auth`.",
      body: {
        contentType: 'application/x-www-form-urlencoded',
        schema: {
          type: 'object',
          required: ['client_id', 'response_type'],
          properties: {
            client_id: { type: 'string' },
            response_type: { const: 'code' },
            redirect_uri: { type: 'string' },
            scope: { type: 'string' },
            code_challenge: { type: 'string' },
            code_challenge_method: { const: 'S256' },
            resource: { type: 'string' },
          },
          additionalProperties: { type: 'string' },
        },
        example: {
          client_id: 'waymark-admin',
          response_type: 'code',
          redirect_uri: 'http://127.0.0.1:8765/callback',
          scope: 'openid',
          code_challenge: '<S256 challenge>',
          code_challenge_method: 'S256',
        },
      },
      responses: {
        '201': {
          description: 'The request_uri (RFC 9126 §2.2).',
          content: json({
            type: 'object',
            required: ['request_uri', 'expires_in'],
            properties: { request_uri: { type: 'string' }, expires_in: { type: 'integer' } },
          }),
        },
        '400': oauthError('invalid_request… (RFC 9126 §2.3)'),
        '401': oauthError('invalid_client'),
      },
    }),
    operation({
      method: 'get',
      path: p('/jwks'),
      id: 'oidcJwks',
      summary: "The provider's public keys (RFC 7517)",
      responses: {
        '200': {
          description: 'A JWK set.',
          content: {
            'application/jwk-set+json': {
              schema: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object' } } } },
            },
            ...json({ type: 'object' }),
          },
        },
      },
    }),
    operation({
      method: 'get',
      path: p('/me'),
      id: 'oidcUserinfo',
      summary: 'UserInfo (OIDC Core §5.3)',
      security: [{ oidcBearer: [] }],
      auth: 'bearer',
      responses: {
        '200': {
          description: 'The claims.',
          content: json({ type: 'object', required: ['sub'], properties: { sub: { type: 'string' } } }),
        },
        '401': oauthError('invalid_token (RFC 6750 §3.1)'),
      },
    }),
    operation({
      method: 'post',
      path: p('/token/revocation'),
      id: 'oidcRevoke',
      summary: 'Token revocation (RFC 7009)',
      body: {
        contentType: 'application/x-www-form-urlencoded',
        schema: {
          type: 'object',
          required: ['token'],
          properties: { token: { type: 'string' }, token_type_hint: { type: 'string' }, client_id: { type: 'string' } },
        },
        example: { token: '<refresh token>', client_id: 'waymark-admin' },
      },
      responses: {
        '200': { description: 'Revoked, or not known (RFC 7009 §2.2).' },
        '400': oauthError('invalid_request'),
        '401': oauthError('invalid_client'),
      },
    }),
    operation({
      method: 'get',
      path: p('/session/end'),
      id: 'oidcEndSession',
      summary: 'RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)',
      tryIt: false,
      responses: { '200': page('The logout confirmation page.'), '303': redirect('To `post_logout_redirect_uri`.') },
    }),
    operation({
      method: 'get',
      path: p('/interaction/{uid}'),
      id: 'oidcInteraction',
      summary: 'The sign-in journey of an interaction (browser)',
      parameters: [pathParam('uid', 'the interaction id')],
      tryIt: false,
      responses: { '200': page("The journey's step page."), '303': redirect('Back to the provider.') },
      errors: { codes: ['ERR_INTERACTION_FORBIDDEN', 'ERR_JOURNEY_NOT_FOUND'], shape: 'oauth', browser: true, html: true },
    }),
    operation({
      method: 'post',
      path: p('/interaction/{uid}'),
      id: 'oidcInteractionSubmit',
      summary: "Submit a step of the interaction's journey (browser)",
      parameters: [pathParam('uid', 'the interaction id')],
      body: { contentType: 'application/x-www-form-urlencoded', schema: { type: 'object', additionalProperties: { type: 'string' } } },
      tryIt: false,
      responses: { '200': page('The next step page.'), '303': redirect('Back to the provider.') },
      errors: {
        codes: ['ERR_INTERACTION_FORBIDDEN', 'ERR_CSRF', 'ERR_JOURNEY_NOT_FOUND', 'ERR_JOURNEY_CONFLICT', 'ERR_SUBMISSION_INVALID'],
        shape: 'oauth',
        browser: true,
        html: true,
      },
    }),
  ];
  // RFC 8414 §3.1: the provider's metadata, the issuer's path inserted after the well-known prefix (served by `waymark serve`).
  ops.push(
    operation({
      method: 'get',
      path: `/.well-known/oauth-authorization-server${base}`,
      id: 'oidcAuthorizationServerMetadata',
      summary: "The provider's authorization server metadata (RFC 8414 §3.1)",
      responses: {
        '200': {
          description: 'The metadata.',
          content: json({ type: 'object', required: ['issuer'], properties: { issuer: { type: 'string' } } }),
        },
      },
    }),
  );
  return {
    tag: {
      name: tag,
      description:
        "The OpenID Provider (@waymark/oidc-provider on oidc-provider), at its issuer's path; every sign-in is a Waymark journey.",
    },
    paths: pathsOf(tag, ops),
    components: {
      securitySchemes: { oidcBearer: { type: 'http', scheme: 'bearer', description: 'An access token the provider issued (RFC 6750).' } },
    },
  };
}
