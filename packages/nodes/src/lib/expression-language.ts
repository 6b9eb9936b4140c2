import jsep from 'jsep';
import { REF_ROOTS, walk } from './refs.js';
import { MAX_SUBJECT, safeRegex } from './safe-regex.js';

/*
 * The `expression` node's language: a small, side-effect-free subset of JavaScript's
 * expression syntax, parsed by jsep (a parser only: it builds a syntax tree and never runs
 * code) and checked here against a whitelist before anything is evaluated. Evaluation walks
 * that checked tree; nothing is ever handed to `eval`, `Function` or `node:vm`. Member access
 * follows own properties of JSON data only, so no prototype, constructor or function of the
 * host is reachable; the only calls are the methods and functions listed below.
 */

/** Longest expression accepted (characters). */
export const MAX_EXPRESSION_LENGTH = 1000;
/** Deepest bracket nesting accepted, checked before parsing (so the parser's recursion stays shallow). */
export const MAX_EXPRESSION_DEPTH = 24;
/** Deepest syntax tree accepted: a chain `a || b || …` is as deep as it is long, so more than the brackets. */
const MAX_TREE_DEPTH = 64;
/** Most syntax-tree nodes accepted: bounds the work of one evaluation. */
export const MAX_EXPRESSION_NODES = 200;
/** Most items of a list literal (`x in [...]`). */
const MAX_LIST = 100;

/** Names that reach an object's prototype in JavaScript: refused wherever a name is read. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Methods callable on a value: name → number of arguments. */
const METHODS: Readonly<Record<string, number>> = {
  startsWith: 1,
  endsWith: 1,
  includes: 1,
  contains: 1,
  matches: 1,
  toLowerCase: 0,
  toUpperCase: 0,
  trim: 0,
};
/** Functions callable by name: name → number of arguments. */
const FUNCTIONS: Readonly<Record<string, number>> = { exists: 1, empty: 1, number: 1, string: 1 };

const BINARY = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=', '&&', '||', '??', 'in']);

// `in` is not one of jsep's default binary operators; registered once, at the precedence of
// the comparisons (as in JavaScript). jsep's operator table is process-wide: another user of
// jsep in the same process would see `in` too, which only widens what it parses.
if (!Object.hasOwn(jsep.binary_ops, 'in')) jsep.addBinaryOp('in', 7);

/** A checked expression, ready to evaluate. */
export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'root'; name: string }
  | { kind: 'member'; object: Expr; key: string }
  | { kind: 'not'; arg: Expr }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'method'; name: string; target: Expr; args: Expr[]; regex?: RegExp }
  | { kind: 'call'; name: string; args: Expr[] };

/** Why an expression is refused: the message names the fault and the fix; `column` is 1-based. */
export interface ExpressionError {
  message: string;
  column: number;
}

class Refused extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** 1-based column of `token` as a whole word in `text` (1 when it cannot be found). */
function columnOf(text: string, token: string): number {
  if (!/^[A-Za-z_$]/.test(token)) return text.indexOf(token) + 1; // punctuation: its first place, or 1
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = new RegExp(`(^|[^A-Za-z0-9_$])(${escaped})`).exec(text);
  return at ? at.index + (at[1]?.length ?? 0) + 1 : 1;
}

/** Deepest bracket nesting outside string literals: checked before parsing, so the parser's recursion stays shallow. */
function bracketDepth(text: string): { depth: number; at: number } {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') {
      if (++depth > MAX_EXPRESSION_DEPTH) return { depth, at: i + 1 };
    } else if (c === ')' || c === ']') depth--;
  }
  return { depth: 0, at: 0 };
}

type Node = jsep.Expression;

class Checker {
  nodes = 0;
  constructor(readonly text: string) {}

  fail(message: string, token?: string): never {
    throw new Refused(message, token === undefined ? 1 : columnOf(this.text, token));
  }

  name(name: string): string {
    if (FORBIDDEN_NAMES.has(name))
      this.fail(
        `"${name}" is refused: it would reach JavaScript's object machinery, not your data; name a field of the data instead`,
        name,
      );
    return name;
  }

  /** Refuses a prototype name anywhere in the tree first, whatever else is wrong around it. */
  forbidden(node: unknown, depth: number): void {
    if (node === null || typeof node !== 'object' || depth > 2 * MAX_TREE_DEPTH) return;
    const n = node as Record<string, unknown>;
    if (n['type'] === 'Identifier' && typeof n['name'] === 'string') this.name(n['name']);
    if (n['type'] === 'MemberExpression' && n['computed'] === true) {
      const property = n['property'] as Record<string, unknown> | undefined;
      if (property?.['type'] === 'Literal' && typeof property['value'] === 'string') this.name(property['value']);
    }
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) for (const item of value) this.forbidden(item, depth + 1);
      else if (value !== null && typeof value === 'object') this.forbidden(value, depth + 1);
    }
  }

  expr(node: Node, depth: number): Expr {
    if (++this.nodes > MAX_EXPRESSION_NODES)
      this.fail(`the expression has more than ${MAX_EXPRESSION_NODES} parts; split it over several rules`);
    if (depth > MAX_TREE_DEPTH) this.fail(`the expression nests deeper than ${MAX_TREE_DEPTH}; split it over several rules`);
    switch (node.type) {
      case 'Literal': {
        const value = (node as jsep.Literal).value;
        if (value instanceof RegExp)
          this.fail('regular-expression literals are not supported: write .matches("pattern")', String((node as jsep.Literal).raw));
        return { kind: 'literal', value };
      }
      case 'Identifier': {
        const name = (node as jsep.Identifier).name;
        if (name === 'undefined') return { kind: 'literal', value: null };
        this.name(name);
        if (!(REF_ROOTS as readonly string[]).includes(name))
          this.fail(
            `unknown name "${name}": start a path with one of ${REF_ROOTS.join(', ')} (such as state.${name}); secrets are not reachable`,
            name,
          );
        return { kind: 'root', name };
      }
      case 'MemberExpression': {
        const member = node as jsep.MemberExpression;
        if (member.optional === true) this.fail('optional chaining "?." is not needed: a missing field is null already; write "."', '?.');
        const key = this.key(member);
        return { kind: 'member', object: this.expr(member.object, depth + 1), key };
      }
      case 'ArrayExpression': {
        const elements = (node as jsep.ArrayExpression).elements;
        if (elements.length > MAX_LIST) this.fail(`a list has more than ${MAX_LIST} items`, '[');
        return {
          kind: 'list',
          items: elements.map((e) =>
            e === null ? this.fail('a list has an empty slot: remove the extra comma', ',') : this.expr(e, depth + 1),
          ),
        };
      }
      case 'UnaryExpression': {
        const unary = node as jsep.UnaryExpression;
        if (unary.operator === '!') return { kind: 'not', arg: this.expr(unary.argument, depth + 1) };
        if (unary.operator === '-') return { kind: 'neg', arg: this.expr(unary.argument, depth + 1) };
        return this.fail(
          `the operator "${unary.operator}" is not supported: use !, ==, !=, <, <=, >, >=, &&, ||, ?? or in`,
          unary.operator,
        );
      }
      case 'BinaryExpression': {
        const binary = node as jsep.BinaryExpression;
        if (!BINARY.has(binary.operator))
          this.fail(
            `the operator "${binary.operator}" is not supported: use ==, !=, <, <=, >, >=, &&, ||, ?? or in (no arithmetic)`,
            binary.operator,
          );
        return { kind: 'binary', op: binary.operator, left: this.expr(binary.left, depth + 1), right: this.expr(binary.right, depth + 1) };
      }
      case 'CallExpression':
        return this.call(node as jsep.CallExpression, depth);
      case 'ConditionalExpression':
        return this.fail('"? :" is not supported: give each case its own rule', '?');
      case 'Compound':
      case 'SequenceExpression':
        return this.fail('an expression is one condition: join parts with && or ||, not "," or ";"');
      case 'ThisExpression':
        return this.fail('"this" is not reachable: start a path with state, params, par, client, journey or request', 'this');
      default:
        return this.fail(`"${node.type}" is not supported in an expression`);
    }
  }

  key(member: jsep.MemberExpression): string {
    const property = member.property;
    if (!member.computed) return this.name((property as jsep.Identifier).name);
    if (property.type === 'Literal') {
      const value = (property as jsep.Literal).value;
      if (typeof value === 'string') return this.name(value);
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
    }
    return this.fail('an index in [ ] must be a quoted name or a whole number (such as ["given-name"] or [0])', '[');
  }

  call(call: jsep.CallExpression, depth: number): Expr {
    const callee = call.callee;
    if (callee.type === 'Identifier') {
      const name = this.name((callee as jsep.Identifier).name);
      const arity = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (arity === undefined) this.fail(`unknown function "${name}": use ${Object.keys(FUNCTIONS).join(', ')}`, name);
      if (call.arguments.length !== arity) this.fail(`${name}() takes ${arity} argument${arity === 1 ? '' : 's'}`, name);
      return { kind: 'call', name, args: call.arguments.map((a) => this.expr(a, depth + 1)) };
    }
    if (callee.type === 'MemberExpression' && !(callee as jsep.MemberExpression).computed) {
      const member = callee as jsep.MemberExpression;
      const name = this.name((member.property as jsep.Identifier).name);
      const arity = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
      if (arity === undefined) this.fail(`unknown method "${name}": use ${Object.keys(METHODS).join(', ')}`, name);
      if (call.arguments.length !== arity) this.fail(`.${name}() takes ${arity} argument${arity === 1 ? '' : 's'}`, name);
      const args = call.arguments.map((a) => this.expr(a, depth + 1));
      const target = this.expr(member.object, depth + 1);
      if (name !== 'matches') return { kind: 'method', name, target, args };
      const pattern = args[0];
      if (pattern?.kind !== 'literal' || typeof pattern.value !== 'string')
        this.fail('.matches() takes a quoted pattern, such as .matches("^[0-9]+$")', name);
      const regex = safeRegex(pattern.value);
      if (!(regex instanceof RegExp)) this.fail(regex.error, name);
      return { kind: 'method', name, target, args, regex };
    }
    return this.fail('only the listed functions and methods can be called', '(');
  }
}

/**
 * Parses and checks an expression. Returns the checked tree, or why it is refused (with the
 * 1-based column). Never throws for any input text.
 *
 * @example
 * compileExpression('state.mail.endsWith("@example.com") && params.acr_values != null')
 */
export function compileExpression(text: string): Expr | ExpressionError {
  if (text.length > MAX_EXPRESSION_LENGTH)
    return {
      message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters; split it over several rules`,
      column: MAX_EXPRESSION_LENGTH + 1,
    };
  if (text.trim() === '') return { message: 'the expression is empty: write a condition such as state.mail != null', column: 1 };
  const nesting = bracketDepth(text);
  if (nesting.at > 0)
    return { message: `the expression nests deeper than ${MAX_EXPRESSION_DEPTH}; split it over several rules`, column: nesting.at };
  let tree: Node;
  try {
    tree = jsep(text);
  } catch (error) {
    const index = (error as { index?: unknown }).index;
    const description = (error as { description?: unknown }).description;
    return {
      message: `syntax error: ${typeof description === 'string' ? description : 'cannot parse'}; check quotes, brackets and operators`,
      column: typeof index === 'number' ? index + 1 : 1,
    };
  }
  try {
    const checker = new Checker(text);
    checker.forbidden(tree, 0);
    return checker.expr(tree, 0);
  } catch (error) {
    if (error instanceof Refused) return { message: error.message, column: error.column };
    throw error;
  }
}

/** Whether `compileExpression` refused the text. */
export function isExpressionError(result: Expr | ExpressionError): result is ExpressionError {
  return 'message' in result && 'column' in result && !('kind' in result);
}

// --- evaluation: total over JSON data, never throws, never leaves the data ---------------------

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '' && !Number.isNaN(value);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return JSON.stringify(x) === JSON.stringify(y);
}

/** A number, or a string that is one (as `decision` reads them); else undefined. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/.test(value)) return Number(value);
  return undefined;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = toNumber(a);
  const y = toNumber(b);
  let order: number;
  if (x !== undefined && y !== undefined) order = x - y;
  else if (typeof a === 'string' && typeof b === 'string') order = a < b ? -1 : a > b ? 1 : 0;
  else return false; // a missing or mismatched value is neither smaller nor greater
  return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
}

function member(object: unknown, key: string): unknown {
  if (key === 'length' && (typeof object === 'string' || Array.isArray(object))) return object.length;
  return walk(object, [key]);
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (Array.isArray(haystack)) return haystack.some((x) => jsonEqual(x, needle));
  return false;
}

function method(name: string, target: unknown, args: unknown[], regex: RegExp | undefined): unknown {
  const arg = args[0];
  switch (name) {
    case 'startsWith':
      return typeof target === 'string' && typeof arg === 'string' && target.startsWith(arg);
    case 'endsWith':
      return typeof target === 'string' && typeof arg === 'string' && target.endsWith(arg);
    case 'includes':
    case 'contains':
      return contains(target, arg);
    case 'matches':
      return typeof target === 'string' && target.length <= MAX_SUBJECT && regex !== undefined && regex.test(target);
    case 'toLowerCase':
      return typeof target === 'string' ? target.toLowerCase() : null;
    case 'toUpperCase':
      return typeof target === 'string' ? target.toUpperCase() : null;
    default: // trim
      return typeof target === 'string' ? target.trim() : null;
  }
}

function call(name: string, arg: unknown): unknown {
  switch (name) {
    case 'exists':
      return arg !== undefined && arg !== null;
    case 'empty':
      return (
        arg === undefined ||
        arg === null ||
        arg === '' ||
        (Array.isArray(arg) && arg.length === 0) ||
        (typeof arg === 'object' && !Array.isArray(arg) && Object.keys(arg).length === 0)
      );
    case 'number':
      return toNumber(arg) ?? null;
    default: // string
      return typeof arg === 'string' ? arg : typeof arg === 'number' || typeof arg === 'boolean' ? String(arg) : null;
  }
}

/** Evaluates a checked expression over the roots (`state`, `params`, …); a missing value is null. */
export function evaluate(expr: Expr, roots: Readonly<Record<string, unknown>>): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'list':
      return expr.items.map((item) => evaluate(item, roots) ?? null);
    case 'root':
      return walk(roots, [expr.name]);
    case 'member':
      return member(evaluate(expr.object, roots), expr.key);
    case 'not':
      return !truthy(evaluate(expr.arg, roots));
    case 'neg': {
      const n = toNumber(evaluate(expr.arg, roots));
      return n === undefined ? null : -n;
    }
    case 'method':
      return method(
        expr.name,
        evaluate(expr.target, roots),
        expr.args.map((a) => evaluate(a, roots)),
        expr.regex,
      );
    case 'call':
      return call(expr.name, evaluate(expr.args[0] as Expr, roots));
    case 'binary': {
      const { op } = expr;
      if (op === '&&') return truthy(evaluate(expr.left, roots)) && truthy(evaluate(expr.right, roots));
      if (op === '||') return truthy(evaluate(expr.left, roots)) || truthy(evaluate(expr.right, roots));
      if (op === '??') return evaluate(expr.left, roots) ?? evaluate(expr.right, roots);
      const left = evaluate(expr.left, roots);
      const right = evaluate(expr.right, roots);
      if (op === '==' || op === '===') return jsonEqual(left, right);
      if (op === '!=' || op === '!==') return !jsonEqual(left, right);
      if (op === 'in')
        return right !== null && typeof right === 'object' && !Array.isArray(right)
          ? typeof left === 'string' && walk(right, [left]) !== undefined && !FORBIDDEN_NAMES.has(left)
          : contains(right, left);
      return compare(op, left, right);
    }
  }
}

/** Evaluates and reads the result as a condition (JavaScript's truthiness over JSON values). */
export function holds(expr: Expr, roots: Readonly<Record<string, unknown>>): boolean {
  return truthy(evaluate(expr, roots));
}

/**
 * Why the `expression` node would refuse a `when` text at flow load, or undefined when it is
 * good: for tools that write expressions (the importers) and want to check what they wrote.
 *
 * @example
 * checkExpression('state.mail == null') // undefined
 * checkExpression('state.__proto__')   // { message: '"__proto__" is refused: …', column: 7 }
 */
export function checkExpression(text: string): ExpressionError | undefined {
  const result = compileExpression(text);
  return isExpressionError(result) ? result : undefined;
}
