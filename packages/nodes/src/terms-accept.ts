import { callbacks, defineNode, inputValue } from '@waymark/sdk';
import { setStatePath, STATE_PATH_SCHEMA } from './lib/user-steps.js';

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['terms'],
  properties: {
    terms: {
      type: 'string',
      minLength: 1,
      maxLength: 20000,
      description: 'The terms and conditions text (or a link to them) the user accepts',
    },
    version: {
      type: 'string',
      minLength: 1,
      maxLength: 50,
      default: '1',
      description: 'Recorded with the acceptance: a new version asks everyone again',
    },
    createDate: { type: 'string', maxLength: 50, default: '', description: 'When this version was published (shown to the user)' },
    target: {
      ...STATE_PATH_SCHEMA,
      default: 'termsAccepted',
      description: 'Where { version, acceptedAt } is kept; "attributes.termsAccepted" stores it on the user with user.create',
    },
  },
} as const;

/**
 * `terms.accept` — shows terms and conditions (`TermsAndConditionsCallback`, AIC's Accept Terms
 * and Conditions) and records the acceptance (`{ version, acceptedAt }` in ISO 8601) at
 * `target`. `true` is `accepted`; `false` or anything else is `declined`.
 *
 * @example
 * { "type": "terms.accept", "config": { "terms": "https://example.com/terms", "version": "3" },
 *   "outcomes": { "accepted": "create", "declined": "failure" } }
 */
export const termsAccept = defineNode({
  type: 'terms.accept',
  version: 1,
  description: 'Asks the user to accept terms and conditions and records the accepted version.',
  callbacks: ['TermsAndConditionsCallback'],
  config,
  outcomes: ['accepted', 'declined'],
  run(ctx, c) {
    if (ctx.callbacks === undefined) return ctx.suspend([callbacks.termsAndConditions(c.terms, c.version, c.createDate)]);
    const answer = inputValue(ctx.callbacks.find((cb) => cb.type === 'TermsAndConditionsCallback'));
    if (answer !== true && answer !== 'true') return { outcome: 'declined', reason: 'declined' };
    setStatePath(ctx.state, c.target, { version: c.version, acceptedAt: new Date(ctx.services.clock.now()).toISOString() });
    return 'accepted';
  },
});
