import { callbacks, defineNode, inputValue } from '@waymark/sdk';
import { REFUSED } from './credentials-collect.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1, maxLength: 200, default: 'Password', description: 'The PasswordCallback prompt' },
    maxLength: { type: 'integer', minimum: 8, maximum: 4096, default: 1024, description: 'Bounds the hashing work one request can cause' },
    retryMessage: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      default: 'Wrong username or password. Try again.',
      description: 'Shown when credentials.verify refused the last attempt and the flow asks again',
    },
  },
} as const;

/**
 * `credentials.password` — asks only for the password (`PasswordCallback`, AIC's Password
 * Collector) and keeps it in `secrets.password` of the `credentials` namespace, where
 * `credentials.verify`, `user.create` and `user.update` read it: never in state, a trace or a
 * log. An empty or oversized answer asks again.
 *
 * @example
 * { "type": "credentials.password", "outcomes": { "collected": "verify" } }
 */
export const credentialsPassword = defineNode({
  type: 'credentials.password',
  version: 1,
  description: 'Asks for the password only; it goes to secrets, never to state.',
  callbacks: ['PasswordCallback', 'TextOutputCallback'],
  config,
  outcomes: ['collected'],
  run(ctx, c) {
    if (ctx.callbacks === undefined) {
      const refused = ctx.secrets[REFUSED] !== undefined;
      delete ctx.secrets[REFUSED];
      return ctx.suspend([...(refused ? [callbacks.textOutput(c.retryMessage, 2)] : []), callbacks.password(c.prompt)]);
    }
    const password = inputValue(ctx.callbacks.find((cb) => cb.type === 'PasswordCallback'));
    if (typeof password !== 'string' || password === '' || password.length > c.maxLength)
      return ctx.suspend([callbacks.textOutput('Enter your password.', 2), callbacks.password(c.prompt)]);
    ctx.secrets.password = password;
    return 'collected';
  },
});
