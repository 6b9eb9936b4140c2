/**
 * The error base class every Waymark package extends. `code` is stable and documented; a
 * published code is never reused. `details` carries what a caller needs to act (a JSON pointer,
 * a field name); it must never carry a secret or a token.
 *
 * @example
 * throw new WaymarkError('ERR_NODE_DEFINITION', 'defineNode: "type" must be a namespaced string', { field: 'type' });
 */
export class WaymarkError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WaymarkError';
    this.code = code;
    this.details = details;
  }
}

/** Codes raised by the SDK itself. */
export const SDK_ERRORS = {
  /** A `defineNode` call is malformed: the message names the field and the fix. */
  ERR_NODE_DEFINITION: 'ERR_NODE_DEFINITION',
} as const;
