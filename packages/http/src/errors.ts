/**
 * The codes `@waymark/http` answers with itself (see `answerFor`). A published code is never
 * reused. `ERR_INVALID_REQUEST` and `ERR_BODY_TOO_LARGE` are the very codes `@waymark/express`
 * raises from its own readers: one meaning, one code, whichever package noticed.
 */
export const HTTP_ERRORS = {
  /** Anything unexpected: 500 `server_error` with a generic description; logged with its stack, never shown. */
  ERR_INTERNAL: 'ERR_INTERNAL',
  /** A request body a body parser could not read (malformed, unsupported charset or encoding): 400 `invalid_request`. */
  ERR_INVALID_REQUEST: 'ERR_INVALID_REQUEST',
  /** A request body larger than the parser's limit: 413 `invalid_request`. */
  ERR_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;
