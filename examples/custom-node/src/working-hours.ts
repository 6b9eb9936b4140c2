import { defineNode } from '@waymark/sdk';

/**
 * The node's config, as a flow holds it. Declared `as const` so `config` in `run` is typed;
 * every property has a default, applied when the flow loads.
 */
const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, default: 'country', description: 'The journey state key to read.' },
    allowed: { type: 'array', items: { type: 'string' }, default: [], description: 'The values that let the journey through.' },
  },
} as const;

/**
 * acme.working-hours: lets the journey through when a value an earlier node put in the journey state is
 * one of the allowed values. Replace the body of `run` with what your node does.
 *
 * @example
 * { "type": "acme.working-hours", "config": { "key": "country", "allowed": ["FR", "DE"] },
 *   "outcomes": { "allowed": "next", "denied": "failure", "missing": "failure" } }
 */
export const workingHours = defineNode({
  type: 'acme.working-hours',
  version: 1,
  description: 'Lets the journey through when a journey state value is one of the allowed values.',
  config,
  outcomes: ['allowed', 'denied', 'missing'],
  run(ctx, { key, allowed }) {
    const value = ctx.state[key];
    if (typeof value !== 'string') return 'missing';
    return allowed.includes(value) ? 'allowed' : { outcome: 'denied', reason: 'not_allowed' };
  },
});
