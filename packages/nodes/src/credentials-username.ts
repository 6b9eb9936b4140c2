import { callbacks, defineNode, inputValue } from '@waymark/sdk';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1, maxLength: 200, default: 'User Name', description: 'The NameCallback prompt' },
    maxLength: { type: 'integer', minimum: 1, maximum: 1024, default: 256, description: 'Longer usernames are refused before any lookup' },
  },
} as const;

/**
 * `credentials.username` — asks only for the username (`NameCallback`, AIC's Username
 * Collector) and writes `state.username`. An empty or oversized answer asks again with an error
 * message. Pair it with `credentials.password` (or put both on one `page`).
 *
 * @example
 * { "type": "credentials.username", "outcomes": { "collected": "identify" } }
 */
export const credentialsUsername = defineNode({
  type: 'credentials.username',
  version: 1,
  description: 'Asks for the username only and keeps it in state.username.',
  callbacks: ['NameCallback', 'TextOutputCallback'],
  config,
  outcomes: ['collected'],
  run(ctx, c) {
    const last = typeof ctx.state.username === 'string' ? ctx.state.username : '';
    if (ctx.callbacks === undefined) return ctx.suspend([callbacks.name(c.prompt, last)]);
    const answer = inputValue(ctx.callbacks.find((cb) => cb.type === 'NameCallback'));
    const name = typeof answer === 'string' ? answer.trim() : '';
    if (name === '' || name.length > c.maxLength)
      return ctx.suspend([callbacks.textOutput('Enter your username.', 2), callbacks.name(c.prompt, '')]);
    ctx.state.username = name;
    return 'collected';
  },
});
