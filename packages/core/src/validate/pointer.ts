/** Escapes one reference token (RFC 6901 §3: `~` → `~0`, `/` → `~1`, in that order). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Builds an RFC 6901 JSON pointer from raw (unescaped) tokens.
 *
 * @example
 * pointer('nodes', 'a/b', 'type'); // '/nodes/a~1b/type'
 */
export function pointer(...tokens: readonly string[]): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}
