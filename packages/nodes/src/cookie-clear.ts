import { defineNode } from '@waymark/sdk';
import { cookieAttributeProperties, cookieAttributeRules, cookieOptions } from './lib/persistent-cookie.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...cookieAttributeProperties },
  allOf: cookieAttributeRules,
} as const;

/**
 * `cookie.clear` — expires a cookie (by default the "remember me" one), as AM's Delete
 * Persistent Cookie node. Name, Domain and Path must match the cookie's for the browser to
 * drop it. Cleared cookies are applied on every response, failure included, so a journey
 * that distrusts a cookie can drop it and still fail.
 *
 * Outcomes: `done`.
 *
 * @example
 * { "type": "cookie.clear", "outcomes": { "done": "login" } }
 */
export const cookieClear = defineNode({
  type: 'cookie.clear',
  version: 1,
  description: 'Expires a cookie in the browser (the "remember me" cookie by default).',
  config: schema,
  outcomes: ['done'],
  run(ctx, config) {
    ctx.effects.clearCookie(config.name, cookieOptions(config));
    return 'done';
  },
});
