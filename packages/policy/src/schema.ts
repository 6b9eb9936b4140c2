/** The HTTP methods a policy may name as actions (AIC's URL policy actions). */
export const POLICY_ACTIONS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const name = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'a name of letters, digits, "-", "_" or ".", starting with a letter or digit',
} as const;

/**
 * JSON Schema (draft 2020-12) of the policy configuration. Compiled once at start-up by
 * `@waymark/core`'s `compileConfigSchema`; each `description` is the hint an error message gives.
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
    transactionTtlSeconds: { type: 'integer', minimum: 30, maximum: 3600, description: 'seconds a transaction lives, 30 to 3600 (default 300)' },
    transactionRateLimit: {
      type: 'object',
      description: '{ "max": <transactions>, "windowSeconds": <seconds> } per subject (default 20 per 300 s)',
      additionalProperties: false,
      required: ['max', 'windowSeconds'],
      properties: { max: { type: 'integer', minimum: 1 }, windowSeconds: { type: 'integer', minimum: 1 } },
    },
    policySets: {
      type: 'array',
      description: 'the policy sets: [{ "name": "...", "policies": [...] }]',
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
                resources: {
                  type: 'array',
                  minItems: 1,
                  items: { type: 'string', minLength: 1, maxLength: 2048 },
                  description: 'URL patterns such as "https://api.example.com:443/payments/*"',
                },
                actions: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...POLICY_ACTIONS] }, description: `HTTP methods: ${POLICY_ACTIONS.join(', ')}` },
                subject: {
                  type: 'object',
                  description: '{ "type": "AuthenticatedUsers", "subs"?: [...], "claims"?: { ... } }',
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
                  description: '{ "type": "Transaction", "flow": "<step-up flow id>", "ttlSeconds"?: <seconds> }',
                  additionalProperties: false,
                  required: ['type', 'flow'],
                  properties: {
                    type: { enum: ['Transaction'] },
                    flow: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', description: 'the id of a loaded step-up flow, kebab-case, such as "transactional-stepup"' },
                    ttlSeconds: { type: 'integer', minimum: 30, maximum: 3600, description: 'seconds this transaction lives, 30 to 3600 (default transactionTtlSeconds)' },
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
