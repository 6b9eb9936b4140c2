/** The HTTP methods a policy may name as actions (AIC's URL policy actions). */
export const POLICY_ACTIONS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const name = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' } as const;

/**
 * JSON Schema (draft-07) of the policy configuration. Compiled once at start-up.
 *
 * @example
 * { "policySets": [{ "name": "transactionalAuthZ", "policies": [{
 *     "name": "makePayment", "resources": ["https://api.bankingexample.com:443/makepayment"], "actions": ["POST"],
 *     "subject": { "type": "AuthenticatedUsers" },
 *     "condition": { "type": "Transaction", "flow": "transactional-stepup" } }] }] }
 */
export const policyConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['policySets'],
  properties: {
    transactionTtlSeconds: { type: 'integer', minimum: 30, maximum: 3600 },
    transactionRateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['max', 'windowSeconds'],
      properties: { max: { type: 'integer', minimum: 1 }, windowSeconds: { type: 'integer', minimum: 1 } },
    },
    policySets: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'policies'],
        properties: {
          name,
          description: { type: 'string' },
          policies: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'resources', 'actions', 'subject'],
              properties: {
                name,
                description: { type: 'string' },
                resources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 2048 } },
                actions: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...POLICY_ACTIONS] } },
                subject: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['type'],
                  properties: {
                    type: { enum: ['AuthenticatedUsers'] },
                    subs: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                    claims: {
                      type: 'object',
                      additionalProperties: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
                    },
                  },
                },
                condition: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['type', 'flow'],
                  properties: {
                    type: { enum: ['Transaction'] },
                    flow: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' },
                    ttlSeconds: { type: 'integer', minimum: 30, maximum: 3600 },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
