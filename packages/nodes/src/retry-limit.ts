import { defineNode, type JsonObject } from '@waymark/sdk';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 3, description: 'How many times this journey may retry before reject' },
    key: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_.-]+$',
      not: { enum: ['__proto__', 'constructor', 'prototype'] },
      description: 'The counter; nodes sharing a key share it. Default: the node id',
    },
  },
} as const;

/**
 * `retry.limit` — counts how often the journey came here (AIC's Retry Limit Decision): the
 * first `limit` times `retry`, then `reject`. The count is per journey, in
 * `state.retries.<key>`; wire it after a failed check (`credentials.verify` → `invalid`). For a
 * count that outlives the journey, use `credentials.verify`'s own failure counter and
 * `account.lockout`.
 *
 * @example
 * { "type": "retry.limit", "config": { "limit": 3 }, "outcomes": { "retry": "collect", "reject": "lock" } }
 */
export const retryLimit = defineNode({
  type: 'retry.limit',
  version: 1,
  description: 'Allows a failed step to be retried a number of times per journey, then rejects.',
  config,
  outcomes: ['retry', 'reject'],
  run(ctx, c) {
    const key = c.key ?? ctx.journey.nodeId;
    const retries = ctx.state.retries;
    const counts: JsonObject = retries !== null && typeof retries === 'object' && !Array.isArray(retries) ? retries : {};
    const count = (typeof counts[key] === 'number' ? (counts[key] as number) : 0) + 1;
    ctx.state.retries = { ...counts, [key]: count };
    return count <= c.limit ? 'retry' : { outcome: 'reject', reason: 'limit_reached' };
  },
});
