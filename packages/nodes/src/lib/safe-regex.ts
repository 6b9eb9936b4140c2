/* Regular expressions written by flow authors (decision's `matches`, expression's `matches`):
 * compiled once per pattern (bounded cache) and refused when they look able to backtrack
 * catastrophically: nested quantifiers `(a+)+`, quantified alternations of overlapping groups
 * and backreferences. Subjects are capped in length by the callers as well. */

/** The longest pattern accepted. */
export const MAX_PATTERN = 200;
/** The longest string a pattern is tested against; a longer one does not match. */
export const MAX_SUBJECT = 4096;

const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;
const QUANTIFIED_ALTERNATION = /\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)\s*[+*{]/;
const BACKREFERENCE = /\\[1-9]|\\k</;

/** The refused shapes, as a JSON Schema `not` a config schema can carry (refused at flow load). */
export const UNSAFE_PATTERN = { anyOf: [NESTED_QUANTIFIER, QUANTIFIED_ALTERNATION, BACKREFERENCE].map((re) => ({ pattern: re.source })) };

const cache = new Map<string, RegExp>();

/** The compiled pattern, or why it is refused (a sentence that ends with the fix). */
export function safeRegex(pattern: string): RegExp | { error: string } {
  const cached = cache.get(pattern);
  if (cached) return cached;
  if (pattern.length > MAX_PATTERN) return { error: `pattern longer than ${MAX_PATTERN} characters` };
  if (NESTED_QUANTIFIER.test(pattern) || QUANTIFIED_ALTERNATION.test(pattern) || BACKREFERENCE.test(pattern))
    return {
      error: `pattern ${JSON.stringify(pattern)} may backtrack catastrophically (nested quantifier, quantified alternation or backreference); simplify it`,
    };
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return { error: `pattern ${JSON.stringify(pattern)} is not a valid regular expression` };
  }
  if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}
