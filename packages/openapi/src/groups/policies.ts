import { evaluateRequestSchema, policyDecisionSchema } from '@waymark/policy';
import { embedSchema, json, operation, pathParam, pathsOf } from '../builder.js';
import type { OpenApiGroup } from '../types.js';

/*
 * Transactional authorization on the adapter (@waymark/express endpoints/policies, the decision
 * point of @waymark/policy): evaluate for enforcement points, and the step-up of a transaction
 * as JSON and as a page. The request and decision schemas are @waymark/policy's own.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/* The policy layer's own errors answer `{ error, error_description, code }` (policyErrorHandler); every other error goes on to the router's OAuth handler: `{ error, error_description }`. */
const POLICY_CODES = [
  'ERR_POLICY_REQUEST',
  'ERR_TRANSACTION_NOT_FOUND',
  'ERR_TRANSACTION_FORBIDDEN',
  'ERR_STEPUP_FAILED',
  'ERR_TRANSACTION_RATE_LIMITED',
];
const ROUTER_CODES = [
  'ERR_INVALID_REQUEST',
  'ERR_BODY_TOO_LARGE',
  'ERR_RATE_LIMITED',
  'ERR_JOURNEY_NOT_FOUND',
  'ERR_JOURNEY_CONFLICT',
  'ERR_SUBMISSION_INVALID',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_FULL',
];
const STEPUP_ERRORS = [
  { codes: POLICY_CODES, shape: 'coded' as const },
  { codes: ROUTER_CODES, shape: 'oauth' as const },
];

const txId = pathParam('txId', 'the transaction id of the advice (`TransactionConditionAdvice`)');

const stepUpAnswer = {
  '200': {
    description: 'A step of the step-up journey to answer, or the transaction is authenticated (`{ status: "success", txId }`).',
    content: json({
      oneOf: [
        {
          type: 'object',
          required: ['journeyId', 'txId', 'callbacks'],
          properties: {
            journeyId: { type: 'string' },
            txId: { type: 'string' },
            callbacks: { type: 'array', items: ref('Callback') },
            header: { type: 'string' },
            stage: { type: 'string' },
          },
        },
        { type: 'object', required: ['status', 'txId'], properties: { status: { const: 'success' }, txId: { type: 'string' } } },
      ],
    }),
  },
};

/** The policy routes (mounted only when the server has a `policies` configuration). */
export function policyGroup(options: { basePath?: string } = {}): OpenApiGroup {
  const base = (options.basePath ?? '/').replace(/\/+$/, '');
  const p = (path: string) => `${base}${path}`;
  const tag = 'Policies and step-up';
  const ops = [
    operation({
      method: 'post',
      path: p('/policies/evaluate'),
      id: 'evaluatePolicies',
      summary: 'Evaluate policies (AIC `_action=evaluate`)',
      description:
        'For policy enforcement points: a `service` client with `client_secret_basic`. One decision per resource; a transaction condition answers `TransactionConditionAdvice: [txId]` until the step-up of that transaction succeeds, then allows once (`environment.TxId`).',
      security: [{ clientSecretBasic: [] }],
      auth: 'basic',
      body: {
        contentType: 'application/json',
        schema: ref('EvaluateRequest'),
        example: {
          resources: ['https://api.bankingexample.com:443/makepayment'],
          application: 'transactionalAuthZ',
          subject: { ssoToken: '<session id>' },
        },
      },
      responses: {
        '200': { description: 'The decisions, one per resource.', content: json({ type: 'array', items: ref('PolicyDecision') }) },
      },
      errors: [
        { codes: ['ERR_POLICY_REQUEST', 'ERR_TRANSACTION_RATE_LIMITED', 'ERR_PDP_UNAVAILABLE'], shape: 'coded' },
        {
          codes: ['ERR_INVALID_CLIENT', 'ERR_INVALID_REQUEST', 'ERR_BODY_TOO_LARGE', 'ERR_RATE_LIMITED', 'ERR_STORE_UNAVAILABLE'],
          shape: 'oauth',
        },
      ],
    }),
    operation({
      method: 'get',
      path: p('/policies/transactions/{txId}/stepup'),
      id: 'stepUpPage',
      summary: 'The step-up page of a transaction (browser)',
      description: 'For a signed-in browser (the session cookie): the first step of the step-up journey as a page.',
      parameters: [txId],
      tryIt: false,
      responses: { '200': { description: 'The step page.', content: { 'text/html': { schema: { type: 'string' } } } } },
      errors: { codes: [...POLICY_CODES, ...ROUTER_CODES], shape: 'coded', browser: true, html: true },
    }),
    operation({
      method: 'post',
      path: p('/policies/transactions/{txId}/stepup'),
      id: 'startStepUp',
      summary: 'Start the step-up of a transaction (JSON), or submit its page (form)',
      description:
        "JSON: `{ ssoToken? }` (else the session cookie) starts the step-up journey and answers its first step. A form post (`application/x-www-form-urlencoded`) is the step page's own submission.",
      parameters: [txId],
      body: {
        contentType: ['application/json', 'application/x-www-form-urlencoded'],
        schema: { type: 'object', properties: { ssoToken: { type: 'string', minLength: 1, maxLength: 256 } } },
        example: { ssoToken: '<session id>' },
      },
      responses: {
        '200': {
          ...stepUpAnswer['200'],
          content: {
            ...stepUpAnswer['200'].content,
            'text/html': { schema: { type: 'string', description: 'the next step page (form posts)' } },
          },
        },
        '303': { description: "The page's journey ended (form posts).", headers: { Location: { schema: { type: 'string' } } } },
      },
      errors: [...STEPUP_ERRORS, { codes: [...POLICY_CODES, ...ROUTER_CODES, 'ERR_CSRF'], shape: 'coded', html: true }],
    }),
    operation({
      method: 'post',
      path: p('/policies/transactions/{txId}/stepup/continue'),
      id: 'continueStepUp',
      summary: 'Answer a step of the step-up (JSON)',
      parameters: [txId],
      body: {
        contentType: 'application/json',
        schema: {
          type: 'object',
          required: ['journeyId', 'callbacks'],
          properties: {
            journeyId: { type: 'string', minLength: 1, maxLength: 64 },
            callbacks: { type: 'array', items: ref('Callback') },
            ssoToken: { type: 'string' },
          },
        },
        example: {
          journeyId: 'j_3f9a',
          ssoToken: '<session id>',
          callbacks: [
            { type: 'NameCallback', output: [{ name: 'prompt', value: 'One-time code' }], input: [{ name: 'IDToken1', value: '123456' }] },
          ],
        },
      },
      responses: stepUpAnswer,
      errors: STEPUP_ERRORS,
    }),
  ];
  return {
    tag: {
      name: tag,
      description:
        'Transactional authorization (@waymark/policy): `POST /policies/evaluate` for enforcement points, and the step-up of a transaction. An API protected by `requireTransaction` (@waymark/express) answers 401 with `WWW-Authenticate: Bearer error="insufficient_user_authentication", txid="…"` (RFC 9470) until the step-up is done; the client retries with `X-Transaction-Id`.',
    },
    paths: pathsOf(tag, ops),
    components: {
      schemas: {
        EvaluateRequest: embedSchema(evaluateRequestSchema, 'EvaluateRequest'),
        PolicyDecision: embedSchema(policyDecisionSchema, 'PolicyDecision'),
      },
    },
  };
}
