import { POLICY_DEFAULTS } from './defaults.js';
import { badPolicyRequest } from './errors.js';
import { canonicalResource } from './resource-pattern.js';

/** Who the decision is for: a Waymark session id (AIC's `ssoToken`) or a validated JWT. */
export type EvaluateSubject = { ssoToken: string; jwt?: undefined } | { jwt: string; ssoToken?: undefined };

/**
 * The body of `POST /policies/evaluate`, in the shape of AIC's `/json/policies?_action=evaluate`.
 *
 * @example
 * { "resources": ["https://api.bankingexample.com:443/makepayment"], "application": "transactionalAuthZ",
 *   "subject": { "ssoToken": "<session id>" }, "environment": { "TxId": ["<txId>"] } }
 */
export interface EvaluateRequest {
  resources: string[];
  /** The policy set to evaluate against; all sets when absent. */
  application?: string;
  subject: EvaluateSubject;
  /** Environment attributes; `TxId` carries the transaction ids of a re-evaluation. */
  environment?: { TxId?: string[] };
}

/** One result of an evaluation, as AIC answers it. */
export interface PolicyDecision {
  resource: string;
  /** Action → allowed. Absent actions are not allowed. */
  actions: Record<string, boolean>;
  attributes: Record<string, string[]>;
  /** `TransactionConditionAdvice: [txId]` when a step-up journey must run first. */
  advices: Record<string, string[]>;
  /** Seconds a PEP may cache this decision: always 0 (transactional decisions are single use). */
  ttl: number;
}

/**
 * The JSON Schema (draft 2020-12) of the evaluate body, for the API reference (@waymark/openapi)
 * and for callers' own validation. `parseEvaluateRequest` is what the endpoint runs (its errors
 * name the field); test/evaluate-schema.test.ts holds the two to the same answers. The one rule
 * a schema cannot say is that each resource parses as an absolute http(s) URL.
 */
export const evaluateRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['resources', 'subject'],
  properties: {
    resources: {
      type: 'array',
      minItems: 1,
      maxItems: POLICY_DEFAULTS.maxResources,
      items: { type: 'string', maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description: 'an absolute http(s) URL' },
    },
    application: { type: 'string', minLength: 1, maxLength: 128, description: 'the policy set to evaluate against (all when absent)' },
    subject: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['ssoToken'],
          properties: { ssoToken: { type: 'string', minLength: 1, maxLength: 256, description: 'a Waymark session id' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['jwt'],
          properties: { jwt: { type: 'string', minLength: 1, maxLength: 8192, description: 'a JWT access token' } },
        },
      ],
    },
    environment: {
      type: 'object',
      properties: {
        TxId: {
          type: 'array',
          maxItems: POLICY_DEFAULTS.maxTxIds,
          items: { type: 'string', minLength: 1, maxLength: 256 },
          description: 'the transaction ids of a re-evaluation',
        },
      },
    },
  },
} as const;

/** The JSON Schema of one decision (`PolicyDecision`), as `POST /policies/evaluate` answers it. */
export const policyDecisionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['resource', 'actions', 'attributes', 'advices', 'ttl'],
  properties: {
    resource: { type: 'string' },
    actions: { type: 'object', additionalProperties: { type: 'boolean' } },
    attributes: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    advices: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      description: '`TransactionConditionAdvice: [txId]` when a step-up must run first',
    },
    ttl: { type: 'integer', const: 0 },
  },
} as const;

const TOP_KEYS = new Set(['resources', 'application', 'subject', 'environment']);
const MAX_ID = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Checks an evaluate body and returns it typed. Every malformed shape is an
 * `ERR_POLICY_REQUEST` naming the field, never a crash further on.
 */
export function parseEvaluateRequest(body: unknown): EvaluateRequest {
  if (!isObject(body)) throw badPolicyRequest('body', 'must be a JSON object { resources, subject, application?, environment? }');
  for (const key of Object.keys(body))
    if (!TOP_KEYS.has(key))
      throw badPolicyRequest(key.slice(0, 64), 'is not an evaluate field (resources, application, subject, environment)');

  const { resources, application, subject, environment } = body;
  if (!Array.isArray(resources) || resources.length === 0 || resources.length > POLICY_DEFAULTS.maxResources)
    throw badPolicyRequest('resources', `must be an array of 1 to ${POLICY_DEFAULTS.maxResources} absolute URLs`);
  resources.forEach((r, i) => {
    if (typeof r !== 'string' || r.length > 2048 || canonicalResource(r) === undefined)
      throw badPolicyRequest(`resources[${i}]`, 'must be an absolute http(s) URL');
  });
  if (application !== undefined && (typeof application !== 'string' || application === '' || application.length > 128))
    throw badPolicyRequest('application', 'must be the name of a policy set');

  if (!isObject(subject)) throw badPolicyRequest('subject', 'must be { "ssoToken": "<session id>" } or { "jwt": "<token>" }');
  const kinds = Object.keys(subject);
  if (kinds.length !== 1 || (kinds[0] !== 'ssoToken' && kinds[0] !== 'jwt'))
    throw badPolicyRequest('subject', 'must hold exactly one of "ssoToken" or "jwt"');
  const value = subject[kinds[0]];
  if (typeof value !== 'string' || value === '' || value.length > (kinds[0] === 'jwt' ? 8192 : MAX_ID))
    throw badPolicyRequest(`subject.${kinds[0]}`, 'must be a non-empty string');

  let env: EvaluateRequest['environment'];
  if (environment !== undefined) {
    if (!isObject(environment)) throw badPolicyRequest('environment', 'must be an object of string arrays such as { "TxId": ["<txId>"] }');
    const txIds = environment.TxId;
    if (txIds !== undefined) {
      if (
        !Array.isArray(txIds) ||
        txIds.length > POLICY_DEFAULTS.maxTxIds ||
        !txIds.every((t) => typeof t === 'string' && t !== '' && t.length <= MAX_ID)
      )
        throw badPolicyRequest('environment.TxId', `must be an array of at most ${POLICY_DEFAULTS.maxTxIds} transaction ids`);
      env = { TxId: txIds as string[] };
    } else env = {};
  }
  return {
    resources: resources as string[],
    ...(application === undefined ? {} : { application }),
    subject: (kinds[0] === 'jwt' ? { jwt: value } : { ssoToken: value }) as EvaluateSubject,
    ...(env === undefined ? {} : { environment: env }),
  };
}
