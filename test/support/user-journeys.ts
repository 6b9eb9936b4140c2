/**
 * The user-store journeys the node, engine and adapter tests share (the `user.*`,
 * `attributes.collect`, `terms.accept`, `retry.limit`, `account.lockout` node types):
 *
 * - `registration`: ask the username; a known one goes to sign-in (here: failure, reason
 *   `found`); an unknown one is asked for a password and profile attributes, accepts the terms,
 *   is created and gets a session.
 * - `password-lockout`: username and password checked against the store; each failure is retried
 *   up to `limit` times in one journey, then the account is locked (`credentials.verify` then
 *   answers `locked` for that user when the password is right).
 */
export const registrationFlow = {
  id: 'registration',
  version: 1,
  description: 'Registers a new user: username, password, profile, terms, then a session.',
  start: 'username',
  nodes: {
    username: { type: 'credentials.username', outcomes: { collected: 'identify' } },
    identify: { type: 'user.identify', outcomes: { found: 'failure', notFound: 'password' } },
    password: { type: 'credentials.password', outcomes: { collected: 'profile' } },
    profile: {
      type: 'attributes.collect',
      config: {
        attributes: [
          { name: 'mail', type: 'string', prompt: 'Email', required: true, pattern: '[^@\\s]+@[^@\\s]+' },
          { name: 'age', type: 'number', prompt: 'Age', minimum: 13 },
          { name: 'newsletter', type: 'boolean', prompt: 'Send me news' },
        ],
      },
      outcomes: { collected: 'terms' },
    },
    terms: {
      type: 'terms.accept',
      config: { terms: 'Be kind.', version: '2', target: 'attributes.termsAccepted' },
      outcomes: { accepted: 'create', declined: 'failure' },
    },
    create: { type: 'user.create', outcomes: { created: 'session', conflict: 'failure' } },
    session: { type: 'session.create', outcomes: { created: 'success', conflict: 'failure' } },
  },
};

export const lockoutFlow = {
  id: 'password-lockout',
  version: 1,
  description: 'Username and password; three retries per journey, then the account is locked.',
  start: 'collect',
  nodes: {
    collect: { type: 'credentials.collect', outcomes: { collected: 'verify' } },
    verify: { type: 'credentials.verify', config: { maxAttempts: 100 }, outcomes: { valid: 'count', invalid: 'retry', locked: 'failure' } },
    retry: { type: 'retry.limit', config: { limit: 2 }, outcomes: { retry: 'collect', reject: 'identify' } },
    identify: { type: 'user.identify', outcomes: { found: 'lock', notFound: 'failure' } },
    lock: { type: 'account.lockout', config: { lock: true }, outcomes: { done: 'failure' } },
    count: { type: 'login.count', outcomes: { done: 'success' } },
  },
};
