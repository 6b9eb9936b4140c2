import { WaymarkError, defineNode, type JsonObject, type NodeConfigProblem } from '@waymark/sdk';
import { NODES_ERRORS } from './errors.js';
import { REF_SCHEMA, resolver, walk } from './lib/refs.js';

/** Most operations in one node. */
const MAX_OPERATIONS = 50;
/** Most segments of a state path (`a.b.c` has three). */
const MAX_SEGMENTS = 16;
/** Largest value one operation may set or copy, as JSON text (characters): state is persisted and traced. */
const MAX_VALUE_LENGTH = 16_384;
/** Segments that would reach an object's prototype in JavaScript: refused at load and again at run. */
const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const path = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[^.]+(\\.[^.]+)*$',
  description: 'A dotted path inside the journey state, without "state." (such as "user.mail").',
} as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['operations'],
  properties: {
    /** Applied in order, each on the state the previous left. */
    operations: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_OPERATIONS,
      description: 'Ordered operations: { set: path, value } | { copy: ref, to: path } | { delete: path }.',
      items: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          /** The state path to write `value` at. */
          set: path,
          /** Any JSON value (or a `{ "$var": name }`, resolved at flow load). */
          value: {},
          /** What to copy: a ref such as `params.login_hint` or `state.user.mail` (never secrets). */
          copy: REF_SCHEMA,
          /** The state path the copy is written to. */
          to: path,
          /** The state path to remove. */
          delete: path,
        },
      },
    },
  },
} as const;

type Operation = { set?: string; value?: unknown; copy?: string; to?: string; delete?: string };

/** The problem of one path (relative to state), if any. */
function pathProblem(value: string): string | undefined {
  const segments = value.split('.');
  const bad = segments.find((s) => FORBIDDEN.has(s));
  if (bad !== undefined)
    return `the segment "${bad}" is refused (it would reach JavaScript's object machinery, not the state): rename the key`;
  if (segments.length > MAX_SEGMENTS) return `the path has more than ${MAX_SEGMENTS} segments: keep state flatter`;
  if (segments[0] === 'state' && segments.length > 1)
    return `paths are inside the state already: write "${segments.slice(1).join('.')}" instead of "${value}"`;
  return undefined;
}

function check(config: { operations: readonly Operation[] }): NodeConfigProblem[] {
  const problems: NodeConfigProblem[] = [];
  const add = (pointer: string, message: string): void => void problems.push({ code: NODES_ERRORS.ERR_STATE_SET, pointer, message });
  config.operations.forEach((op, i) => {
    const at = `/operations/${i}`;
    const kinds = (['set', 'copy', 'delete'] as const).filter((k) => op[k] !== undefined);
    if (kinds.length !== 1) {
      add(
        at,
        `an operation is exactly one of { "set": path, "value": … }, { "copy": ref, "to": path } or { "delete": path } (got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}).`,
      );
      return;
    }
    const kind = kinds[0] as 'set' | 'copy' | 'delete';
    const allowed = kind === 'set' ? ['set', 'value'] : kind === 'copy' ? ['copy', 'to'] : ['delete'];
    for (const key of Object.keys(op))
      if (!allowed.includes(key)) add(`${at}/${key}`, `"${key}" does not belong to a "${kind}" operation: remove it.`);
    if (kind === 'set' && !Object.hasOwn(op, 'value'))
      add(`${at}/value`, '"value" is missing: add the JSON value to set (null is a value).');
    if (kind === 'copy' && op.to === undefined) add(`${at}/to`, '"to" is missing: add the state path to copy to.');
    for (const key of ['set', 'to', 'delete'] as const) {
      const value = op[key];
      const problem = value === undefined ? undefined : pathProblem(value);
      if (problem) add(`${at}/${key}`, `${problem}.`);
    }
    if (kind === 'copy' && op.copy?.split('.').some((s) => FORBIDDEN.has(s)))
      add(`${at}/copy`, 'the ref reaches "__proto__", "constructor" or "prototype": name a field of the data.');
    if (kind === 'set' && JSON.stringify(op.value ?? null).length > MAX_VALUE_LENGTH)
      add(`${at}/value`, `the value is larger than ${MAX_VALUE_LENGTH} characters of JSON: keep large data out of the journey state.`);
  });
  return problems;
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new WaymarkError(NODES_ERRORS.ERR_STATE_SET, `state.set: ${message}`, details);
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object that holds the last segment, created on the way when `create`; undefined when absent. */
function parentOf(state: JsonObject, segments: readonly string[], create: boolean): JsonObject | undefined {
  let node: JsonObject = state;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i] as string;
    if (FORBIDDEN.has(key)) fail(`the segment "${key}" is refused`, { path: segments.join('.') });
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) {
      if (!create) return undefined;
      node[key] = {};
      node = node[key] as JsonObject;
    } else if (isObject(next)) node = next;
    else if (!create) return undefined;
    else
      fail(
        `state.${segments.slice(0, i + 1).join('.')} is not an object, so "${segments.join('.')}" cannot be set inside it; delete it first or choose another path`,
        { path: segments.join('.') },
      );
  }
  return node;
}

function write(state: JsonObject, path: string, value: unknown): void {
  const segments = path.split('.');
  const last = segments[segments.length - 1] as string;
  if (FORBIDDEN.has(last)) fail(`the segment "${last}" is refused`, { path });
  const parent = parentOf(state, segments, true) as JsonObject;
  parent[last] = value as JsonObject[string];
}

function remove(state: JsonObject, path: string): void {
  const segments = path.split('.');
  const parent = parentOf(state, segments, false);
  const last = segments[segments.length - 1] as string;
  if (parent && Object.hasOwn(parent, last)) delete parent[last];
}

/**
 * `state.set` — sets, copies and deletes journey state values, in order: `{ "set": path,
 * "value": json }`, `{ "copy": ref, "to": path }` (a ref as `decision` reads them: `state.…`,
 * `params.…`, `par.…`, `client.clientId`, `journey.…`, `request.ip` …; never secrets; a missing
 * source removes the target), `{ "delete": path }`. Paths are dotted, inside the state
 * (`user.mail`); missing objects on the way are created. All operations apply, or none (a
 * failing one, such as a path through a string, leaves the state as it was: the `error` outcome). `__proto__`, `constructor` and
 * `prototype` segments are refused at flow load (`ERR_STATE_SET`), as are values over 16 KiB.
 *
 * Outcomes: `done`.
 *
 * @example
 * { "type": "state.set",
 *   "config": { "operations": [
 *     { "set": "realm", "value": { "$var": "realm" } },
 *     { "copy": "params.login_hint", "to": "username" },
 *     { "delete": "attempts" } ] },
 *   "outcomes": { "done": "login" } }
 */
export const stateSet = defineNode({
  type: 'state.set',
  version: 1,
  description: 'Sets, copies and deletes journey state values, in order.',
  config: schema,
  outcomes: ['done'],
  check,
  run(ctx, config) {
    const get = resolver(ctx);
    // All or nothing: the operations apply to a draft that replaces the state only when every one succeeded.
    const draft = structuredClone(ctx.state);
    const read = (ref: string): unknown => (ref.startsWith('state.') ? walk(draft, ref.split('.').slice(1)) : get(ref));
    for (const op of config.operations as readonly Operation[]) {
      if (op.set !== undefined) write(draft, op.set, structuredClone(op.value ?? null));
      else if (op.delete !== undefined) remove(draft, op.delete);
      else if (op.copy !== undefined && op.to !== undefined) {
        const value = read(op.copy);
        if (value === undefined) {
          remove(draft, op.to);
          continue;
        }
        const text = JSON.stringify(value);
        if (text === undefined || text.length > MAX_VALUE_LENGTH)
          fail(`the value of ${op.copy} is larger than ${MAX_VALUE_LENGTH} characters of JSON; copy a smaller part`, { ref: op.copy });
        write(draft, op.to, JSON.parse(text));
      }
    }
    for (const key of Object.keys(ctx.state)) delete ctx.state[key];
    // Defined, not assigned: a state parsed from JSON may hold an own "__proto__" key, which an
    // assignment would turn into a change of the state object's prototype.
    for (const [key, value] of Object.entries(draft))
      Object.defineProperty(ctx.state, key, { value, writable: true, enumerable: true, configurable: true });
    return 'done';
  },
});
