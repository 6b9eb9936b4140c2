import type { FlowProblem } from '../flow.js';
import { FLOW_PROBLEM_CODES } from './codes.js';
import { pointer } from './pointer.js';

/**
 * The outcome of reading a flow file. `value` is present whenever the text is JSON, even with
 * duplicate keys (then it holds what JSON.parse gives: the last value of each key), so the caller
 * can go on and report the flow's other problems too.
 */
export type ParsedFlowJson = { ok: true; value: unknown } | { ok: false; problems: FlowProblem[]; value?: unknown };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly path: readonly string[],
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function found(text: string, at: number): string {
  return at >= text.length ? 'the end of the text' : JSON.stringify(text[at]);
}

/** A strict JSON (RFC 8259) scanner that remembers where every key was, to catch duplicates. */
class Scanner {
  pos = 0;
  readonly duplicates: { path: string[]; first: number; second: number }[] = [];

  constructor(readonly text: string) {}

  fail(expected: string, path: readonly string[]): never {
    throw new JsonSyntaxError(`expected ${expected}, found ${found(this.text, this.pos)}`, this.pos, path);
  }

  skip(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  document(): void {
    this.skip();
    this.value([]);
    this.skip();
    if (this.pos < this.text.length) this.fail('the end of the text after the top-level value', []);
  }

  value(path: string[]): void {
    const c = this.text[this.pos];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return void this.string(path);
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = this.pos;
    if (NUMBER.exec(this.text) !== null) {
      this.pos = NUMBER.lastIndex;
      return;
    }
    this.fail('a value (an object, array, string, number, true, false or null)', path);
  }

  object(path: string[]): void {
    this.pos++;
    const keys = new Map<string, number>();
    this.skip();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skip();
      if (this.text[this.pos] !== '"') this.fail('a key in double quotes', path);
      const keyAt = this.pos;
      const key = this.string(path);
      const first = keys.get(key);
      if (first !== undefined) this.duplicates.push({ path: [...path, key], first, second: keyAt });
      keys.set(key, keyAt);
      this.skip();
      if (this.text[this.pos] !== ':') this.fail(`":" after the key ${JSON.stringify(key)}`, path);
      this.pos++;
      this.skip();
      this.value([...path, key]);
      this.skip();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === '}') {
        this.pos++;
        return;
      }
      this.fail('"," or "}" after a value (is a comma missing?)', path);
    }
  }

  array(path: string[]): void {
    this.pos++;
    this.skip();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.skip();
      this.value([...path, String(i)]);
      this.skip();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === ']') {
        this.pos++;
        return;
      }
      this.fail('"," or "]" after an array item (is a comma missing?)', path);
    }
  }

  /** Scans a string literal and returns its decoded value. */
  string(path: readonly string[]): string {
    const start = this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('a closing double quote', path);
      if (c === '"') break;
      if (c === '\\') {
        ESCAPE.lastIndex = this.pos;
        if (ESCAPE.exec(this.text) === null) this.fail('a valid escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)', path);
        this.pos = ESCAPE.lastIndex;
        continue;
      }
      if (c < ' ') this.fail('no raw control character inside a string (write \\n, \\t, …)', path);
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }
}

/**
 * Parses the text of a flow file. Unlike JSON.parse it reports a duplicate key (which JSON.parse
 * silently resolves to the last value) as `ERR_FLOW_DUPLICATE_ID` under `nodes` and as
 * `ERR_FLOW_DUPLICATE_KEY` elsewhere, and a syntax error as `ERR_FLOW_JSON` with its line and
 * column. `file` only labels the messages.
 *
 * @example
 * const parsed = parseFlowJson(await readFile('flows/login.json', 'utf8'), 'flows/login.json');
 * if (!parsed.ok) for (const p of parsed.problems) console.error(p.pointer, p.code, p.message);
 */
export function parseFlowJson(text: string, file?: string): ParsedFlowJson {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const label = file ?? 'flow';
  const scanner = new Scanner(source);
  try {
    scanner.document();
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const { line, column } = lineColumn(source, error.offset);
      return {
        ok: false,
        problems: [
          {
            code: FLOW_PROBLEM_CODES.ERR_FLOW_JSON,
            pointer: pointer(...error.path),
            message: `not valid JSON at ${label}:${line}:${column}: ${error.message}. Fix the text there.`,
          },
        ],
      };
    }
    if (error instanceof RangeError) {
      return {
        ok: false,
        problems: [{ code: FLOW_PROBLEM_CODES.ERR_FLOW_JSON, pointer: '', message: `${label} is nested too deeply to read: a flow needs only a few levels.` }],
      };
    }
    throw error;
  }
  const value: unknown = JSON.parse(source);
  if (scanner.duplicates.length === 0) return { ok: true, value };
  const problems = scanner.duplicates.map(({ path, first, second }): FlowProblem => {
    const lines = `lines ${lineColumn(source, first).line} and ${lineColumn(source, second).line}`;
    const key = path[path.length - 1] ?? '';
    const isNode = path.length === 2 && path[0] === 'nodes';
    return isNode
      ? {
          code: FLOW_PROBLEM_CODES.ERR_FLOW_DUPLICATE_ID,
          pointer: pointer(...path),
          message: `node id "${key}" is used twice (${lines}); JSON keeps only the last node. Rename one of them and rewire its outcomes.`,
        }
      : {
          code: FLOW_PROBLEM_CODES.ERR_FLOW_DUPLICATE_KEY,
          pointer: pointer(...path),
          message: `key "${key}" appears twice in one object (${lines}); JSON keeps only the last value. Remove or merge one of them.`,
        };
  });
  return { ok: false, problems, value };
}
