/**
 * The brand every WaymarkError carries, registered globally (`Symbol.for`) so that two copies
 * of this package (a plugin with its own node_modules, a bundler that duplicated it) agree on it.
 */
const BRAND = Symbol.for('waymark.error');

/**
 * The error base class every Waymark package extends. `code` is stable and documented; a
 * published code is never reused. `details` carries what a caller needs to act (a JSON pointer,
 * a field name); it must never carry a secret or a token.
 *
 * `instanceof WaymarkError` holds across copies of `@waymark/sdk` (fastify's habit): an error
 * built on another copy is still recognised by its brand. A subclass matches only its own
 * instances (the ordinary prototype check).
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

  static [Symbol.hasInstance](value: unknown): boolean {
    try {
      // `this` is the class on the right of `instanceof`: WaymarkError or a subclass of it.
      if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
      // Across copies only the base class matches by brand: a subclass never claims another class's error.
      return this === WaymarkError && typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
    } catch {
      // A hostile value (a Proxy whose traps throw) is no WaymarkError; instanceof must not throw.
      return false;
    }
  }
}

// On the prototype, not enumerable: the brand is not an own property, never serialised.
Object.defineProperty(WaymarkError.prototype, BRAND, { value: true });

/** Codes raised by the SDK itself. */
export const SDK_ERRORS = {
  /** A `defineNode` call is malformed: the message names the field and the fix. */
  ERR_NODE_DEFINITION: 'ERR_NODE_DEFINITION',
} as const;
