import { operation, pathParam, pathsOf, queryParam, json } from '../builder.js';
import type { JsonSchema, OpenApiGroup } from '../types.js';

/*
 * The express adapter (@waymark/express router.ts): PAR (RFC 9126), authorize and its form's
 * continue, the JSON journey API, the RFC 8414 metadata, health, metrics and the pages'
 * stylesheet. Error codes are the ones each endpoint's steps throw; their status and OAuth
 * `error` come from @waymark/http's table (errors.ts).
 */

const callback: JsonSchema = {
  type: 'object',
  description: 'An AIC-style callback (@waymark/sdk callbacks.ts): what a suspended journey asks for. Send it back with `input` filled.',
  required: ['type', 'output', 'input'],
  properties: {
    type: {
      enum: [
        'NameCallback',
        'PasswordCallback',
        'TextOutputCallback',
        'ChoiceCallback',
        'HiddenValueCallback',
        'ConfirmationCallback',
        'TextInputCallback',
        'StringAttributeInputCallback',
        'NumberAttributeInputCallback',
        'BooleanAttributeInputCallback',
        'TermsAndConditionsCallback',
        'PollingWaitCallback',
        'RedirectCallback',
        'SelectIdPCallback',
      ],
    },
    output: { type: 'array', items: { $ref: '#/components/schemas/CallbackField' } },
    input: { type: 'array', items: { $ref: '#/components/schemas/CallbackField' } },
  },
};

export const ADAPTER_SCHEMAS: Record<string, JsonSchema> = {
  CallbackField: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: {} } },
  Callback: callback,
  JourneyStep: {
    type: 'object',
    description: 'A suspended journey: the callbacks to answer with `POST /journeys/{id}/continue`.',
    required: ['journeyId', 'callbacks'],
    properties: {
      authId: { type: 'string', description: 'the journey id again, under the name AIC SDKs read' },
      journeyId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      callbacks: { type: 'array', items: { $ref: '#/components/schemas/Callback' } },
      header: { type: 'string' },
      description: { type: 'string', description: "a sentence under the header (a page node's)" },
      stage: { type: 'string' },
    },
  },
  JourneySuccess: {
    type: 'object',
    required: ['status'],
    properties: { status: { const: 'success' }, sessionId: { type: 'string' }, redirect: { type: 'string', format: 'uri' } },
  },
  JourneyFailure: {
    type: 'object',
    description: 'The journey ended in failure (401): its code and a reason safe to show.',
    required: ['status', 'code', 'reason'],
    properties: { status: { const: 'failure' }, code: { type: 'string' }, reason: { type: 'string' } },
  },
  PushedAuthorizationRequest: {
    type: 'object',
    description:
      "RFC 9126 §2.1: the authorization request parameters (RFC 6749 §4.1.1, RFC 7636), plus client authentication (client_secret_post, or private_key_jwt with client_assertion; or the Authorization header for client_secret_basic). Other parameters only as the client's `allowed_pushed_parameters`; `request` and `request_uri` are refused.",
    required: ['client_id', 'response_type'],
    properties: {
      client_id: { type: 'string' },
      response_type: { const: 'code' },
      redirect_uri: { type: 'string', format: 'uri' },
      scope: { type: 'string' },
      state: { type: 'string' },
      code_challenge: { type: 'string', description: 'RFC 7636 §4.2' },
      code_challenge_method: { enum: ['S256', 'plain'] },
      client_secret: { type: 'string', description: 'client_secret_post (RFC 6749 §2.3.1)' },
      client_assertion: { type: 'string', description: 'private_key_jwt (RFC 7523 §2.2)' },
      client_assertion_type: { const: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
    },
    additionalProperties: { type: 'string' },
  },
  PushedAuthorizationResponse: {
    type: 'object',
    required: ['request_uri', 'expires_in'],
    properties: {
      request_uri: { type: 'string', pattern: '^urn:ietf:params:oauth:request_uri:' },
      expires_in: { type: 'integer', minimum: 1 },
    },
  },
  AuthorizationServerMetadata: {
    type: 'object',
    description: 'RFC 8414 §2 (`buildMetadata` of @waymark/express).',
    required: ['issuer', 'authorization_endpoint', 'pushed_authorization_request_endpoint', 'code_challenge_methods_supported'],
    properties: {
      issuer: { type: 'string', format: 'uri' },
      authorization_endpoint: { type: 'string', format: 'uri' },
      pushed_authorization_request_endpoint: { type: 'string', format: 'uri' },
      require_pushed_authorization_requests: { type: 'boolean' },
      token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
      code_challenge_methods_supported: { type: 'array', items: { enum: ['S256', 'plain'] } },
      response_types_supported: { type: 'array', items: { type: 'string' } },
      grant_types_supported: { type: 'array', items: { type: 'string' } },
      response_modes_supported: { type: 'array', items: { type: 'string' } },
      authorization_response_iss_parameter_supported: { type: 'boolean' },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PAR_ERRORS = [
  'ERR_INVALID_REQUEST',
  'ERR_INVALID_CLIENT',
  'ERR_UNSUPPORTED_RESPONSE_TYPE',
  'ERR_INVALID_SCOPE',
  'ERR_BODY_TOO_LARGE',
  'ERR_RATE_LIMITED',
  'ERR_REQUEST_NOT_SUPPORTED',
  'ERR_REQUEST_URI_NOT_SUPPORTED',
  'ERR_PUSH_REFUSED',
  'ERR_PUSH_UNAVAILABLE',
  'ERR_FLOW_NOT_ALLOWED',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_FULL',
  'ERR_JOURNEY_NOT_FOUND',
  'ERR_NO_ENGINE',
];

const AUTHORIZE_ERRORS = [
  'ERR_INVALID_REQUEST',
  'ERR_INVALID_CLIENT',
  'ERR_UNSUPPORTED_RESPONSE_TYPE',
  'ERR_INVALID_SCOPE',
  'ERR_REQUEST_URI_INVALID',
  'ERR_REQUEST_NOT_SUPPORTED',
  'ERR_REQUEST_URI_NOT_SUPPORTED',
  'ERR_NAVIGATION_REQUIRED',
  'ERR_FLOW_NOT_ALLOWED',
  'ERR_RATE_LIMITED',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_FULL',
  'ERR_FLOW_NOT_FOUND',
  'ERR_JOURNEY_NOT_FOUND',
  'ERR_NO_ENGINE',
];

const CONTINUE_ERRORS = [
  'ERR_INVALID_REQUEST',
  'ERR_INVALID_CLIENT',
  'ERR_BODY_TOO_LARGE',
  'ERR_CSRF',
  'ERR_JOURNEY_NOT_FOUND',
  'ERR_JOURNEY_CONFLICT',
  'ERR_SUBMISSION_INVALID',
  'ERR_REDIRECT_NOT_ALLOWED',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_FULL',
  'ERR_NO_ENGINE',
];

const JOURNEY_ERRORS = [
  'ERR_INVALID_REQUEST',
  'ERR_INVALID_CLIENT',
  'ERR_INVALID_SCOPE',
  'ERR_BODY_TOO_LARGE',
  'ERR_FLOW_NOT_ALLOWED',
  'ERR_ORIGIN_NOT_ALLOWED',
  'ERR_RATE_LIMITED',
  'ERR_FLOW_NOT_FOUND',
  'ERR_JOURNEY_NOT_FOUND',
  'ERR_JOURNEY_CONFLICT',
  'ERR_SUBMISSION_INVALID',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_FULL',
  'ERR_NO_ENGINE',
];

const journeyAnswers = {
  '200': {
    description: 'A step to answer (the journey is suspended), or the journey succeeded.',
    content: json({ oneOf: [ref('JourneyStep'), ref('JourneySuccess')] }),
  },
  '401': {
    description: 'The journey ended in failure, or with a redirect this client does not allow (ERR_REDIRECT_NOT_ALLOWED).',
    content: json(ref('JourneyFailure')),
  },
};

const noBody = { description: 'No body.' };

const html = (description: string) => ({ 'text/html': { schema: { type: 'string', description } } });

/** Options of the adapter's group. */
export interface AdapterGroupOptions {
  /** Where the router is mounted (the issuer's path): `/` (the default) or e.g. `/login`. */
  basePath?: string;
}

/** The adapter's routes. */
export function adapterGroup(options: AdapterGroupOptions = {}): OpenApiGroup {
  const base = (options.basePath ?? '/').replace(/\/+$/, '');
  const p = (path: string) => `${base}${path}`;
  const tag = 'OAuth adapter';
  const ops = [
    operation({
      method: 'post',
      path: p('/par'),
      id: 'pushAuthorizationRequest',
      summary: 'Push an authorization request (RFC 9126)',
      description:
        "Client authentication as at a token endpoint (RFC 9126 §2): `client_secret_basic` (header), `client_secret_post` or `private_key_jwt` (body), or `none` for a public client. The flow's push phase may judge pushed values (a token, an IP). Any method but POST answers 405 (§2.3).",
      body: {
        contentType: 'application/x-www-form-urlencoded',
        schema: ref('PushedAuthorizationRequest'),
        example: {
          client_id: 'web-app',
          response_type: 'code',
          redirect_uri: 'http://localhost:4000/callback',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          state: 'af0ifjsldkj',
        },
      },
      security: [{}, { clientSecretBasic: [] }],
      responses: {
        '201': {
          description: 'The request_uri to send to `/authorize` (RFC 9126 §2.2).',
          content: json(ref('PushedAuthorizationResponse'), {
            request_uri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
            expires_in: 60,
          }),
        },
      },
      errors: { codes: PAR_ERRORS, shape: 'oauth' },
    }),
    operation({
      method: 'get',
      path: p('/authorize'),
      id: 'authorize',
      summary: 'Start the journey of an authorization request (browser)',
      description:
        "A browser navigation: `client_id` and the `request_uri` of a pushed request, or the parameters themselves for a client not required to push. Answers the first step's page (or its JSON with `Accept: application/json`), or 303 to the client. Errors answer a page, or the OAuth error redirect (RFC 6749 §4.1.2.1) once the redirect URI is trusted.",
      parameters: [
        queryParam('client_id', 'the client', { type: 'string' }, true),
        queryParam('request_uri', 'the reference `/par` answered (RFC 9126 §4)'),
        queryParam('response_type', '`code`', { const: 'code' }),
        queryParam('redirect_uri', "one of the client's redirect URIs"),
        queryParam('scope', "within the client's allowed scopes"),
        queryParam('state', 'echoed to the client'),
        queryParam('code_challenge', 'RFC 7636 §4.2'),
        queryParam('code_challenge_method', 'S256 (or plain when the client allows it)', { enum: ['S256', 'plain'] }),
      ],
      sampleQuery: { client_id: 'web-app', request_uri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c' },
      tryIt: false,
      responses: {
        '200': {
          description: 'The first step: a page, or its JSON.',
          content: { ...html("the step's page"), ...json({ oneOf: [ref('JourneyStep'), ref('JourneySuccess')] }) },
        },
        '303': {
          description: "The journey ended: to the client's target, or the OAuth error redirect.",
          headers: { Location: { schema: { type: 'string' } } },
        },
        '401': {
          description: 'The journey ended in failure: a page, or its JSON.',
          content: { ...html('the failure page'), ...json(ref('JourneyFailure')) },
        },
      },
      errors: { codes: AUTHORIZE_ERRORS, shape: 'coded', browser: true, html: true },
    }),
    operation({
      method: 'post',
      path: p('/authorize/continue'),
      id: 'continueAuthorize',
      summary: "Submit a step's form (browser)",
      description: "The form of a step page: `journeyId`, the CSRF token `csrf`, and the callbacks' fields by name.",
      body: {
        contentType: 'application/x-www-form-urlencoded',
        schema: {
          type: 'object',
          required: ['journeyId', 'csrf'],
          properties: { journeyId: { type: 'string' }, csrf: { type: 'string' } },
          additionalProperties: { type: 'string' },
        },
        example: { journeyId: 'j_3f9a', csrf: '…', IDToken1: 'alice', IDToken2: 'password' },
      },
      tryIt: false,
      responses: {
        '200': {
          description: 'The next step: a page, or its JSON.',
          content: { ...html("the step's page"), ...json({ oneOf: [ref('JourneyStep'), ref('JourneySuccess')] }) },
        },
        '303': {
          description: "The journey ended: to the client's target, or the OAuth error redirect.",
          headers: { Location: { schema: { type: 'string' } } },
        },
        '401': {
          description: 'The journey ended in failure: a page, or its JSON.',
          content: { ...html('the failure page'), ...json(ref('JourneyFailure')) },
        },
      },
      errors: { codes: CONTINUE_ERRORS, shape: 'coded', browser: true, html: true },
    }),
    operation({
      method: 'post',
      path: p('/journeys/{flow}'),
      id: 'startJourney',
      summary: 'Start a flow (JSON journey API)',
      description:
        'AIC `/json/authenticate` style. `{ client_id, params? }` for a public client; a confidential client authenticates as at `/par`. `params` are authorization parameters (strings). CORS: origins the client lists in `cors_origins`.',
      parameters: [pathParam('flow', "the flow id (one of the client's allowed_flows)", { type: 'string' }, 'login')],
      body: {
        contentType: 'application/json',
        schema: {
          type: 'object',
          required: ['client_id'],
          additionalProperties: false,
          properties: {
            client_id: { type: 'string', minLength: 1 },
            client_secret: { type: 'string', minLength: 1 },
            client_assertion: { type: 'string', minLength: 1 },
            client_assertion_type: { type: 'string', minLength: 1 },
            params: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        example: { client_id: 'web-app', params: { scope: 'openid' } },
      },
      security: [{}, { clientSecretBasic: [] }],
      responses: journeyAnswers,
      errors: { codes: JOURNEY_ERRORS, shape: 'coded' },
    }),
    operation({
      method: 'post',
      path: p('/journeys/{id}/continue'),
      id: 'continueJourney',
      summary: 'Answer a step (JSON journey API)',
      description: '`{ callbacks }` exactly as the step sent them, inputs filled. Answering twice is a 409 (compare-and-set).',
      parameters: [pathParam('id', 'the journeyId of the step', { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' })],
      body: {
        contentType: 'application/json',
        schema: { type: 'object', required: ['callbacks'], properties: { callbacks: { type: 'array', items: ref('Callback') } } },
        example: {
          callbacks: [
            { type: 'NameCallback', output: [{ name: 'prompt', value: 'User Name' }], input: [{ name: 'IDToken1', value: 'alice' }] },
          ],
        },
      },
      responses: journeyAnswers,
      errors: { codes: JOURNEY_ERRORS, shape: 'coded' },
    }),
    operation({
      method: 'options',
      path: p('/journeys/{flow}'),
      id: 'preflightStartJourney',
      summary: 'CORS preflight of a start',
      parameters: [pathParam('flow', 'the flow id')],
      tryIt: false,
      responses: { '204': { description: 'The origin is allowed (Access-Control-Allow-*).' }, '403': noBody },
    }),
    operation({
      method: 'options',
      path: p('/journeys/{id}/continue'),
      id: 'preflightContinueJourney',
      summary: 'CORS preflight of a continue',
      parameters: [pathParam('id', 'the journey id')],
      tryIt: false,
      responses: { '204': { description: 'The origin is allowed (Access-Control-Allow-*).' }, '403': noBody },
    }),
    operation({
      method: 'get',
      path: p('/.well-known/oauth-authorization-server'),
      id: 'authorizationServerMetadata',
      summary: 'Authorization server metadata (RFC 8414)',
      responses: { '200': { description: 'The metadata (cacheable for 300 s).', content: json(ref('AuthorizationServerMetadata')) } },
    }),
    operation({
      method: 'get',
      path: p('/healthz'),
      id: 'health',
      summary: 'Health: every store answers',
      responses: {
        '200': {
          description: 'Every store answered a cheap read.',
          content: json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }),
        },
        '503': {
          description: 'A store failed: its name and code (never its message).',
          content: json({
            type: 'object',
            required: ['status', 'error', 'store'],
            properties: { status: { const: 'unavailable' }, error: { type: 'string' }, store: { type: 'string' } },
          }),
        },
      },
    }),
    operation({
      method: 'get',
      path: p('/metrics'),
      id: 'metrics',
      summary: 'Metrics (Prometheus text format)',
      responses: { '200': { description: 'Counters and histograms.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    }),
    operation({
      method: 'get',
      path: p('/assets/waymark.css'),
      id: 'stylesheet',
      summary: "The pages' stylesheet",
      responses: { '200': { description: 'CSS.', content: { 'text/css': { schema: { type: 'string' } } } } },
    }),
  ];
  return {
    tag: { name: tag, description: 'PAR, authorize, the JSON journey API, metadata, health and metrics (@waymark/express).' },
    paths: pathsOf(tag, ops),
    components: {
      schemas: ADAPTER_SCHEMAS,
      securitySchemes: {
        clientSecretBasic: {
          type: 'http',
          scheme: 'basic',
          description:
            'Client authentication `client_secret_basic` (RFC 6749 §2.3.1): client_id and client_secret. `client_secret_post` and `private_key_jwt` go in the form body instead.',
        },
      },
    },
  };
}
