/**
 * The name/value pairs of an `application/x-www-form-urlencoded` string (a form body or a query
 * string): exactly what `[...new URLSearchParams(text)]` gives (the WHATWG URL standard's parser:
 * split on `&`, empty pieces skipped, the first `=` splits, `+` is a space, then percent-decoding
 * and UTF-8), without building the URLSearchParams object and its iterator on every request.
 * `decodeURIComponent` agrees with the standard whenever it succeeds; where it throws (a `%` not
 * followed by two hex digits, percent-encoded bytes that are not UTF-8) or the text holds a lone
 * surrogate, the whole text goes to URLSearchParams, whose lenient rules then apply.
 */
/* String.prototype.isWellFormed: Node 20 has it; the ES2023 lib typings do not. */
export function formPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (text === '') return pairs;
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return [...new URLSearchParams(text)];
  const length = text.length;
  let start = 0;
  while (start < length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const split = eq !== -1 && eq < end;
      const name = decode(text.slice(start, split ? eq : end));
      const value = split ? decode(text.slice(eq + 1, end)) : '';
      if (name === undefined || value === undefined) return [...new URLSearchParams(text)];
      pairs.push([name, value]);
    }
    start = end + 1;
  }
  return pairs;
}

function decode(raw: string): string | undefined {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
