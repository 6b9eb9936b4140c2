/**
 * Recognises the simple scripted decisions most AIC scripts are (null checks, comparisons and
 * string tests on sharedState / nodeState / requestParameters, choosing an outcome) and
 * translates them into `expression` rules. Anything else returns a reason and stays a
 * placeholder: a script is never half-translated.
 *
 * The expressions use the `expression` node's grammar (see `@waymark/nodes`' README): refs `state.x`,
 * `params.x`; literals; `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, parentheses; and the
 * string tests `x.startsWith("a")`, `x.endsWith("a")`, `x.includes("a")`.
 */

export interface ScriptRules {
  rules: { when: string; outcome: string }[];
  default: string;
}

export type Recognition = { ok: true; value: ScriptRules } | { ok: false; reason: string };

type Token = { kind: 'id' | 'str' | 'num' | 'op'; text: string };

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '{', '}', ';', '.', ',', '=', '?', ':'];

class Unrecognised extends Error {}

function fail(reason: string): never {
  throw new Unrecognised(reason);
}

/** The script text from any exported encoding: a string, an array of lines, a JSON-encoded string. */
export function scriptText(raw: unknown): string | undefined {
  if (Array.isArray(raw)) return raw.every((l) => typeof l === 'string') ? raw.join('\n') : undefined;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (trimmed.startsWith('"') && trimmed.endsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(trimmed);
      if (typeof decoded === 'string') return decoded;
    } catch {
      /* not JSON-encoded: the text itself */
    }
  }
  return raw;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          if (n === undefined || !/["'\\]/.test(n)) fail('a string escape other than \\" \\\' \\\\');
          s += n;
          j += 2;
          continue;
        }
        if (src[j] === '\n') fail('an unterminated string');
        s += src[j];
        j++;
      }
      if (j >= src.length) fail('an unterminated string');
      tokens.push({ kind: 'str', text: s });
      i = j + 1;
      continue;
    }
    const num = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
    if (num && (c !== '-' || tokens.length === 0 || tokens[tokens.length - 1]!.kind === 'op')) {
      tokens.push({ kind: 'num', text: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
    if (id) {
      tokens.push({ kind: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) fail(`the character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'op', text: op });
    i += op.length;
  }
  return tokens;
}

function stripComments(src: string): string {
  // Strings may hold "//" (a URL): remove comments outside strings only.
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STATE_OBJECTS: Record<string, string> = { sharedState: 'state', nodeState: 'state' };
const CONVERSIONS = new Set(['asString', 'toString', 'asInteger', 'asBoolean', 'asDouble', 'asLong', 'asNumber', 'trim']);

class Parser {
  private pos = 0;
  private readonly locals = new Map<string, string>();
  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) fail('the script ends early');
    return t;
  }
  is(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && (t.kind === 'op' || t.kind === 'id') && t.text === text;
  }
  expect(text: string): void {
    const t = this.next();
    if (t.text !== text || t.kind === 'str') fail(`"${t.text}" where "${text}" was expected`);
  }
  optional(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** `(function () { … }());` or `(function () { … })();` → the body's tokens. */
  unwrapIife(): void {
    const t = this.tokens;
    if (
      t.length >= 9 &&
      t[0]!.text === '(' &&
      t[1]!.text === 'function' &&
      t[2]!.text === '(' &&
      t[3]!.text === ')' &&
      t[4]!.text === '{'
    ) {
      let end = t.length;
      while (end > 0 && t[end - 1]!.text === ';') end--;
      const tail = t
        .slice(end - 4, end)
        .map((x) => x.text)
        .join('');
      if (tail === '}())' || tail === '})()') {
        this.tokens.splice(end - 4, t.length - (end - 4));
        this.tokens.splice(0, 5);
      }
    }
  }

  /** `"a"` after `outcome =`. */
  outcomeAssignment(): string {
    this.expect('outcome');
    this.expect('=');
    const v = this.next();
    if (v.kind !== 'str') fail('an outcome that is not a string literal');
    this.optional(';');
    return v.text;
  }

  block(): string {
    if (this.optional('{')) {
      const o = this.outcomeAssignment();
      this.expect('}');
      return o;
    }
    return this.outcomeAssignment();
  }

  program(): ScriptRules {
    this.unwrapIife();
    let fallback: string | undefined;
    const rules: { when: string; outcome: string }[] = [];
    let ended = false;
    while (!this.done()) {
      if (ended) fail('statements after the decision');
      const t = this.peek()!;
      if (t.kind === 'id' && (t.text === 'var' || t.text === 'let' || t.text === 'const')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'id') fail('a declaration without a name');
        this.expect('=');
        this.locals.set(name.text, this.operand());
        this.optional(';');
        continue;
      }
      if (this.is('outcome') && this.is('=', 1)) {
        this.next();
        this.next();
        // outcome = cond ? "a" : "b";
        const save = this.pos;
        const v = this.peek();
        if (v?.kind === 'str' && (this.is(';', 1) || this.peek(1) === undefined)) {
          this.next();
          this.optional(';');
          if (rules.length > 0) fail('an outcome assigned after the decision');
          if (fallback !== undefined) fail('two outcome assignments');
          fallback = v.text;
          continue;
        }
        this.pos = save;
        const when = this.expression();
        this.expect('?');
        const a = this.next();
        this.expect(':');
        const b = this.next();
        if (a.kind !== 'str' || b.kind !== 'str') fail('a conditional outcome that is not a string literal');
        this.optional(';');
        rules.push({ when, outcome: a.text });
        fallback = b.text;
        ended = true;
        continue;
      }
      if (this.is('if')) {
        if (rules.length > 0) fail('a second if statement');
        this.next();
        this.expect('(');
        rules.push({ when: this.expression(), outcome: (this.expect(')'), this.block()) });
        while (this.is('else')) {
          this.next();
          if (this.is('if')) {
            this.next();
            this.expect('(');
            rules.push({ when: this.expression(), outcome: (this.expect(')'), this.block()) });
          } else {
            fallback = this.block();
            break;
          }
        }
        ended = true;
        continue;
      }
      fail(`a statement starting with "${t.text}" (only declarations, if/else and outcome assignments are translated)`);
    }
    if (rules.length === 0) fail('no condition: the outcome does not depend on anything the importer can read');
    if (fallback === undefined) fail('no outcome when no condition holds');
    return { rules, default: fallback };
  }

  // expression := or
  expression(): string {
    return this.or();
  }
  or(): string {
    let left = this.and();
    while (this.optional('||')) left = `${left} || ${this.and()}`;
    return left;
  }
  and(): string {
    let left = this.unary();
    while (this.optional('&&')) left = `${left} && ${this.unary()}`;
    return left;
  }
  unary(): string {
    if (this.optional('!')) return `!${this.unary()}`;
    return this.comparison();
  }
  comparison(): string {
    const left = this.operand();
    const t = this.peek();
    if (t?.kind === 'op' && ['==', '===', '!=', '!==', '<', '>', '<=', '>='].includes(t.text)) {
      this.next();
      const right = this.operand();
      const op = t.text === '===' ? '==' : t.text === '!==' ? '!=' : t.text;
      return `${left} ${op} ${right}`;
    }
    return left;
  }
  operand(): string {
    const t = this.next();
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return `(${inner})`;
    }
    if (t.kind === 'str') return JSON.stringify(t.text);
    if (t.kind === 'num') return t.text;
    if (t.kind !== 'id') fail(`"${t.text}" in an expression`);
    if (t.text === 'true' || t.text === 'false' || t.text === 'null') return t.text;
    if (t.text === 'undefined') return 'null';
    let ref: string;
    if (this.locals.has(t.text)) ref = this.locals.get(t.text)!;
    else if (STATE_OBJECTS[t.text] !== undefined || t.text === 'requestParameters') {
      this.expect('.');
      const method = this.next().text;
      this.expect('(');
      const key = this.next();
      this.expect(')');
      if (key.kind !== 'str' || !KEY.test(key.text)) fail('a state key that is not a plain name');
      const root = t.text === 'requestParameters' ? 'params' : 'state';
      if (method === 'get') ref = `${root}.${key.text}`;
      else if ((method === 'isDefined' || method === 'containsKey') && root === 'state') return `${root}.${key.text} != null`;
      else fail(`${t.text}.${method}()`);
      if (root === 'params' && this.is('.') && this.is('get', 1)) {
        // requestParameters.get("k").get(0): the first value.
        this.next();
        this.next();
        this.expect('(');
        const index = this.next();
        this.expect(')');
        if (index.text !== '0') fail('a request parameter value other than the first');
      }
    } else if (t.text === 'transientState') fail('transientState (secrets are not readable by expressions)');
    else fail(`"${t.text}" (only sharedState, nodeState and requestParameters are translated)`);
    // Conversions and string tests.
    while (this.is('.')) {
      this.next();
      const method = this.next().text;
      this.expect('(');
      if (CONVERSIONS.has(method)) {
        this.expect(')');
        continue;
      }
      if (method === 'isNull') {
        this.expect(')');
        return `${ref} == null`;
      }
      const arg = this.operand();
      this.expect(')');
      if (method === 'equals') return `${ref} == ${arg}`;
      if (method === 'startsWith' || method === 'endsWith' || method === 'includes') return `${ref}.${method}(${arg})`;
      if (method === 'contains') return `${ref}.includes(${arg})`;
      fail(`the method ${method}()`);
    }
    return ref;
  }
}

/** Translates a simple decision script, or says why not. */
export function recognizeScript(raw: unknown): Recognition {
  const text = scriptText(raw);
  if (text === undefined) return { ok: false, reason: 'the script is not text' };
  if (text.length > 20_000) return { ok: false, reason: 'the script is longer than the importer translates' };
  try {
    const parser = new Parser(tokenize(stripComments(text)));
    return { ok: true, value: parser.program() };
  } catch (error) {
    if (error instanceof Unrecognised) return { ok: false, reason: `not a simple decision: ${error.message}` };
    throw error;
  }
}
