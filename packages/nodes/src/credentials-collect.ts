import { callbacks, defineNode, inputValue, type Callback } from '@waymark/sdk';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    usernamePrompt: { type: 'string', minLength: 1, default: 'User Name' },
    passwordPrompt: { type: 'string', minLength: 1, default: 'Password' },
    maxUsernameLength: { type: 'integer', minimum: 1, maximum: 1024, default: 256, description: 'Longer usernames are refused before any lookup' },
    maxPasswordLength: { type: 'integer', minimum: 8, maximum: 4096, default: 1024, description: 'Bounds the hashing work one request can cause' },
    retryMessage: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      default: 'Wrong username or password. Try again.',
      description: 'Shown when credentials.verify refused the last attempt and the flow asks again (one message for both: no user enumeration)',
    },
  },
} as const;

/** The `credentials` secret credentials.verify leaves when it refused an attempt. */
export const REFUSED = 'refused';

function submitted(list: Callback[] | undefined, type: string): unknown {
  return inputValue(list?.find((c) => c.type === type));
}

/**
 * `credentials.collect` — asks for username and password (`NameCallback`, `PasswordCallback`).
 * On resume it writes `state.username` and `secrets.password` (namespace `credentials`, which
 * `credentials.verify` shares). An empty or oversized answer asks again with an error message.
 * When `credentials.verify` refused the previous attempt (a flow that wires `invalid` back
 * here), it asks with `retryMessage` and the username filled in.
 *
 * @example
 * { "type": "credentials.collect", "outcomes": { "collected": "verify" } }
 */
export const credentialsCollect = defineNode({
  type: 'credentials.collect',
  version: 1,
  description: 'Asks for a username and a password; the password goes to secrets, never to state.',
  callbacks: ['NameCallback', 'PasswordCallback', 'TextOutputCallback'],
  config,
  outcomes: ['collected'],
  run(ctx, c) {
    const ask = (username = '', error?: string) =>
      ctx.suspend([...(error ? [callbacks.textOutput(error, 2)] : []), callbacks.name(c.usernamePrompt, username), callbacks.password(c.passwordPrompt)]);
    if (ctx.callbacks === undefined) {
      // Left by credentials.verify (same secret namespace); shown once.
      const refused = ctx.secrets[REFUSED] !== undefined;
      delete ctx.secrets[REFUSED];
      const last = ctx.state.username;
      return refused ? ask(typeof last === 'string' ? last : '', c.retryMessage) : ask();
    }
    const username = submitted(ctx.callbacks, 'NameCallback');
    const password = submitted(ctx.callbacks, 'PasswordCallback');
    const name = typeof username === 'string' ? username.trim() : '';
    if (name === '' || name.length > c.maxUsernameLength) return ask('', 'Enter your username and password.');
    if (typeof password !== 'string' || password === '' || password.length > c.maxPasswordLength) return ask(name, 'Enter your username and password.');
    ctx.state.username = name;
    ctx.secrets.password = password;
    return 'collected';
  },
});
