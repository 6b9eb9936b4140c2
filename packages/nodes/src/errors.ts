/**
 * Every code the built-in node types raise. A published code is never reused. A node that
 * throws goes to its `error` outcome when the flow wires it (the trace's reason is the code),
 * else the journey fails with the engine's ERR_NODE_FAILED; configuration codes are raised
 * where the node first needs the setting.
 */
export const NODES_ERRORS = {
  /** `credentials.verify`: no user store (wire `services.users` or set `usersFile` in the node config). */
  ERR_NO_USER_STORE: 'ERR_NO_USER_STORE',
  /** The user store lacks a method a node needs (`user.create` on a read-only store); names the node, the method and the fix. */
  ERR_USER_STORE_CAPABILITY: 'ERR_USER_STORE_CAPABILITY',
  /** A users file cannot be read or is malformed; names the file and the entry's JSON pointer (never a hash). */
  ERR_USERS_FILE: 'ERR_USERS_FILE',
  /** A stored password hash is not in the `scrypt$N$r$p$salt$hash` form (an operator error, not a wrong password). */
  ERR_PASSWORD_HASH: 'ERR_PASSWORD_HASH',
  /** A node needs a state value an earlier node sets (e.g. the subject for `session.create`); names the key. */
  ERR_NODE_STATE: 'ERR_NODE_STATE',
  /** A persistent-cookie key is missing or shorter than 32 random bytes (base64url); names the kid. */
  ERR_COOKIE_KEY: 'ERR_COOKIE_KEY',
  /** A `decision` node's condition is malformed (an unknown operator, a refused pattern). */
  ERR_DECISION_CONFIG: 'ERR_DECISION_CONFIG',
  /** An `expression` node's `when` does not parse or uses what the language refuses; names the rule, the column and the fix. */
  ERR_EXPRESSION: 'ERR_EXPRESSION',
  /**
   * A `state.set` operation is malformed (a path segment such as `__proto__`, a value over the size
   * limit), or cannot be applied to the journey's state (a path through a value that is not an object).
   */
  ERR_STATE_SET: 'ERR_STATE_SET',
  /** `token.validate`'s introspection settings are unusable (no client secret, an endpoint that is not https). */
  ERR_TOKEN_CONFIG: 'ERR_TOKEN_CONFIG',
  /** The one-time-code webhook is unreachable or refused the message (the message never carries the code). */
  ERR_OTP_NOTIFY: 'ERR_OTP_NOTIFY',
  /** The console notifier (it prints codes) was used with NODE_ENV=production without `allowInProduction`. */
  ERR_OTP_CONSOLE_NOTIFIER: 'ERR_OTP_CONSOLE_NOTIFIER',
  /** The HTTP risk service could not be reached (network error or timeout). */
  ERR_RISK_UNREACHABLE: 'ERR_RISK_UNREACHABLE',
  /** The HTTP risk service answered a non-2xx status. */
  ERR_RISK_STATUS: 'ERR_RISK_STATUS',
  /** The HTTP risk service answered something that is not a risk evaluation (not JSON, too large, fields missing). */
  ERR_RISK_MALFORMED: 'ERR_RISK_MALFORMED',
  /** `risk.feedback` named an evaluation that is unknown, expired, already completed or another user's. */
  ERR_RISK_UNKNOWN_EVALUATION: 'ERR_RISK_UNKNOWN_EVALUATION',
  /** A risk provider is misconfigured (provider "http" without its `http` block or bearer token). */
  ERR_RISK_CONFIG: 'ERR_RISK_CONFIG',
} as const;

export type NodesErrorCode = keyof typeof NODES_ERRORS;
