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
  /**
   * The grants beyond code and refresh token that add routes (the provider's `grants`): RFC 8628
   * device authorization, CIBA, RFC 7662 introspection (default on, as the provider's default).
   */
  grants?: { deviceFlow?: boolean; ciba?: boolean; introspection?: boolean };
  /** Clients come from the control plane's store (`waymark serve` always): their logo and third-party login routes. Default true. */
  storeClients?: boolean;
}

const oauthError = (description: string) => ({ description, content: json(ref('OAuthError')) });
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const redirect = (description: string) => ({ description, headers: { Location: { schema: { type: 'string' } } } });

const form = (properties: Record<string, object>, required: string[], example: Record<string, string>) => ({
  contentType: 'application/x-www-form-urlencoded',
  schema: { type: 'object', required, properties, additionalProperties: { type: 'string' } },
  example,
});

/**
 * The provider's routes beyond the sign-in basics, from oidc-provider's documentation (its
 * `routes` defaults and features) and Waymark's pages: the authorization resume, userinfo by
 * POST, the metadata under the issuer, logout's confirm and success, introspection, device
 * authorization (RFC 8628), CIBA (poll mode) with Waymark's approval pages, and a store client's
 * logo and third-party initiated login.
 */
function moreProviderOperations(options: ProviderGroupOptions, p: (path: string) => string) {
  const grants = options.grants ?? {};
  const ops = [
    operation({
      method: 'get',
      path: p('/auth/{uid}'),
      id: 'oidcAuthorizeResume',
      summary: 'Resumes an authorization once its interaction (the sign-in journey) has finished (browser)',
      description: "oidc-provider's `resume` route: the interaction's result is applied and the browser goes back to the client.",
      parameters: [pathParam('uid', 'the interaction id')],
      tryIt: false,
      responses: {
        '303': redirect('Back to the client with `code` (or `error`) and `iss` (RFC 9207), or to a further interaction.'),
        '400': page('An error page (the interaction is unknown or expired).'),
      },
    }),
    operation({
      method: 'post',
      path: p('/me'),
      id: 'oidcUserinfoPost',
      summary: 'UserInfo by POST (OIDC Core §5.3.1)',
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
      method: 'get',
      path: p('/.well-known/oauth-authorization-server'),
      id: 'oidcAuthorizationServerMetadataUnderIssuer',
      summary: 'The authorization server metadata under the issuer (oidc-provider serves it beside openid-configuration)',
      responses: {
        '200': {
          description: 'The metadata.',
          content: json({ type: 'object', required: ['issuer'], properties: { issuer: { type: 'string' } } }),
        },
      },
    }),
    operation({
      method: 'post',
      path: p('/session/end/confirm'),
      id: 'oidcEndSessionConfirm',
      summary: "RP-initiated logout: the confirmation form's submission (browser, oidc-provider's XSRF token)",
      tryIt: false,
      body: form({ xsrf: { type: 'string' }, logout: { type: 'string' } }, ['xsrf'], { xsrf: '<from the form>', logout: 'yes' }),
      responses: {
        '303': redirect('To `post_logout_redirect_uri`, or to the success page.'),
        '400': page('An error page (a missing or wrong XSRF token).'),
      },
    }),
    operation({
      method: 'get',
      path: p('/session/end/success'),
      id: 'oidcEndSessionSuccess',
      summary: 'RP-initiated logout: signed out, and the client gave no post-logout URI (browser)',
      tryIt: false,
      responses: { '200': page('The signed-out page.') },
    }),
  ];
  if (grants.introspection !== false)
    ops.push(
      operation({
        method: 'post',
        path: p('/token/introspection'),
        id: 'oidcIntrospect',
        summary: 'Token introspection (RFC 7662)',
        description: 'An authenticated client asks whether a token is active; only for tokens issued to it (or that name it as audience).',
        body: form({ token: { type: 'string' }, token_type_hint: { type: 'string' } }, ['token'], { token: '<access token>' }),
        responses: {
          '200': {
            description: "RFC 7662 §2.2: `active`, and the token's claims when active.",
            content: json({ type: 'object', required: ['active'], properties: { active: { type: 'boolean' } } }),
          },
          '400': oauthError('invalid_request'),
          '401': oauthError('invalid_client'),
        },
      }),
    );
  if (grants.deviceFlow === true)
    ops.push(
      operation({
        method: 'post',
        path: p('/device/auth'),
        id: 'oidcDeviceAuthorization',
        summary: 'Device authorization request (RFC 8628 §3.1)',
        body: form({ client_id: { type: 'string' }, scope: { type: 'string' }, resource: { type: 'string' } }, ['client_id'], {
          client_id: '<device client>',
          scope: 'openid',
        }),
        responses: {
          '200': {
            description: 'RFC 8628 §3.2: the codes and where the person enters the user code.',
            content: json({
              type: 'object',
              required: ['device_code', 'user_code', 'verification_uri', 'expires_in'],
              properties: {
                device_code: { type: 'string' },
                user_code: { type: 'string' },
                verification_uri: { type: 'string' },
                verification_uri_complete: { type: 'string' },
                expires_in: { type: 'integer' },
                interval: { type: 'integer' },
              },
            }),
          },
          '400': oauthError('invalid_request, invalid_scope… (RFC 8628 §3.2)'),
          '401': oauthError('invalid_client'),
        },
      }),
      operation({
        method: 'get',
        path: p('/device'),
        id: 'oidcDeviceVerification',
        summary: 'The verification page: the person types the code their device shows (RFC 8628 §3.3; browser)',
        tryIt: false,
        responses: { '200': page('The code form, or the confirm page when `user_code` is in the query (verification_uri_complete).') },
      }),
      operation({
        method: 'post',
        path: p('/device'),
        id: 'oidcDeviceVerificationSubmit',
        summary: 'Submits the user code, then its confirmation (RFC 8628 §5.4; browser, XSRF-protected)',
        tryIt: false,
        body: form({ xsrf: { type: 'string' }, user_code: { type: 'string' }, confirm: { type: 'string' } }, ['xsrf'], {
          xsrf: '<from the form>',
          user_code: 'WDJB-MJHT',
        }),
        responses: {
          '200': page('The confirm page, or the code form again with why (wrong, expired or used code).'),
          '303': redirect("To the sign-in interaction (the client's Waymark journey)."),
        },
      }),
      operation({
        method: 'get',
        path: p('/device/{uid}'),
        id: 'oidcDeviceResume',
        summary: 'Resumes a device authorization once its sign-in interaction has finished (browser)',
        parameters: [pathParam('uid', 'the interaction id')],
        tryIt: false,
        responses: { '200': page('The "device connected" page, or why it was not.') },
      }),
    );
  if (grants.ciba === true)
    ops.push(
      operation({
        method: 'post',
        path: p('/backchannel'),
        id: 'oidcBackchannelAuthentication',
        summary: 'CIBA backchannel authentication request, poll mode (OpenID Connect CIBA Core §7.1)',
        description:
          'The client names the person (`login_hint`); Waymark sends them an approval link (`<issuer>/ciba/{approvalId}`) and the client polls the token endpoint with `grant_type=urn:openid:params:grant-type:ciba` and `auth_req_id`.',
        body: form(
          {
            client_id: { type: 'string' },
            scope: { type: 'string' },
            login_hint: { type: 'string' },
            binding_message: { type: 'string' },
            requested_expiry: { type: 'string' },
            resource: { type: 'string' },
          },
          ['scope'],
          { client_id: '<ciba client>', scope: 'openid', login_hint: 'alice', binding_message: 'W4SC' },
        ),
        responses: {
          '200': {
            description: 'CIBA Core §7.3.',
            content: json({
              type: 'object',
              required: ['auth_req_id', 'expires_in'],
              properties: { auth_req_id: { type: 'string' }, expires_in: { type: 'integer' }, interval: { type: 'integer' } },
            }),
          },
          '400': oauthError('invalid_request, unknown_user_id, expired_login_hint_token… (CIBA Core §13)'),
          '401': oauthError('invalid_client'),
        },
      }),
      operation({
        method: 'get',
        path: p('/ciba/{approvalId}'),
        id: 'oidcCibaApproval',
        summary: "The person's approval of a CIBA request: starts the client's Waymark journey (browser)",
        parameters: [pathParam('approvalId', 'the approval id of the link the notifier sent')],
        tryIt: false,
        responses: { '200': page("The journey's step page."), '404': page('An unknown or finished approval.') },
      }),
      operation({
        method: 'post',
        path: p('/ciba/{approvalId}'),
        id: 'oidcCibaApprovalSubmit',
        summary: "Submits a step of the approval's journey (CSRF-bound form, or JSON `{ journeyId, callbacks }`)",
        parameters: [pathParam('approvalId', 'the approval id of the link the notifier sent')],
        tryIt: false,
        body: { contentType: 'application/x-www-form-urlencoded', schema: { type: 'object', additionalProperties: { type: 'string' } } },
        responses: {
          '200': page('The next step page, or the approved / denied page.'),
          '400': page('A bad submission or CSRF token.'),
          '404': page('An unknown or finished approval.'),
        },
      }),
    );
  if (options.storeClients !== false)
    ops.push(
      operation({
        method: 'get',
        path: p('/clients/{clientId}/logo'),
        id: 'oidcClientLogo',
        summary: "A store client's logo (the image it registered)",
        parameters: [pathParam('clientId', 'the client id')],
        responses: {
          '200': {
            description: 'The image, with its content type.',
            content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
          },
          '404': oauthError('invalid_client: no such client, or it has no logo'),
        },
      }),
      operation({
        method: 'get',
        path: p('/clients/{clientId}/login'),
        id: 'oidcClientInitiateLogin',
        summary: "Third-party initiated login (OIDC Core §4): redirects to the client's initiate_login_uri with `iss` (browser)",
        parameters: [pathParam('clientId', 'the client id')],
        tryIt: false,
        responses: {
          '303': redirect("To the client's initiate_login_uri with `iss` (and `login_hint`, `target_link_uri`)."),
          '404': oauthError('invalid_client: no such client, or it registered no initiate_login_uri'),
        },
      }),
    );
  return ops;
}

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
  ops.push(...moreProviderOperations(options, p));
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
