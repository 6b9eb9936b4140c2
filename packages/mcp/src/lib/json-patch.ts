import { badArgument } from '../errors.js';

/** One RFC 6902 operation. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

// RFC 6901 §4: "~1" is "/", "~0" is "~" (in that order).
const decode = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

function tokens(pointer: string, argument: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badArgument(argument, `"${pointer}" is not a JSON pointer: start it with "/", such as "/nodes/verify/config"`);
  return pointer.slice(1).split('/').map(decode);
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** The parent of the place a pointer names, and the last token. */
function parentOf(doc: unknown, pointer: string, argument: string): { parent: Container; key: string } {
  const path = tokens(pointer, argument);
  const key = path.pop();
  if (key === undefined) throw badArgument(argument, 'the whole document cannot be the target: name a member, such as "/nodes/verify"');
  let current: unknown = doc;
  for (const t of path) {
    if (!isContainer(current)) throw badArgument(argument, `"${pointer}" goes through a value that is not an object or array`);
    current = Array.isArray(current) ? current[Number(t)] : current[t];
    if (current === undefined) throw badArgument(argument, `"${pointer}" goes through "${t}", which does not exist: add the parent first`);
  }
  if (!isContainer(current)) throw badArgument(argument, `the parent of "${pointer}" is not an object or array`);
  return { parent: current, key };
}

function get(doc: unknown, pointer: string, argument: string): unknown {
  let current = doc;
  for (const t of tokens(pointer, argument)) {
    if (!isContainer(current)) throw badArgument(argument, `"${pointer}" does not exist`);
    current = Array.isArray(current) ? current[Number(t)] : current[t];
    if (current === undefined)
      throw badArgument(argument, `"${pointer}" does not exist: read the flow again (get_flow) for the right path`);
  }
  return current;
}

function arrayIndex(parent: unknown[], key: string, argument: string, adding: boolean): number {
  if (adding && key === '-') return parent.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw badArgument(argument, `"${key}" is not an array index`);
  const i = Number(key);
  if (i > parent.length || (!adding && i === parent.length))
    throw badArgument(argument, `index ${i} is out of range (length ${parent.length})`);
  return i;
}

function add(doc: unknown, path: string, value: unknown, argument: string): void {
  const { parent, key } = parentOf(doc, path, argument);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, argument, true), 0, value);
  else parent[key] = value;
}

function remove(doc: unknown, path: string, argument: string): unknown {
  const { parent, key } = parentOf(doc, path, argument);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, argument, false), 1)[0];
  if (!(key in parent)) throw badArgument(argument, `"${path}" does not exist, so it cannot be removed or replaced`);
  const old = parent[key];
  delete parent[key];
  return old;
}

const clone = <T>(v: T): T => structuredClone(v);
const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a JSON Patch (RFC 6902) to a copy of `document`: all operations or none (§5: an
 * error stops the whole patch). A bad operation is `ERR_MCP_ARGUMENT` naming `patch[i]`.
 *
 * @example
 * applyPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: 2 }]); // { a: 2 }
 */
export function applyPatch<T>(document: T, patch: readonly PatchOperation[]): T {
  const doc = clone(document);
  patch.forEach((op, i) => {
    const at = `patch[${i}]`;
    switch (op.op) {
      case 'add': // RFC 6902 §4.1
        if (!('value' in op)) throw badArgument(`${at}.value`, 'an "add" needs a value');
        add(doc, op.path, clone(op.value), `${at}.path`);
        break;
      case 'remove': // §4.2
        remove(doc, op.path, `${at}.path`);
        break;
      case 'replace': // §4.3: the target must exist
        if (!('value' in op)) throw badArgument(`${at}.value`, 'a "replace" needs a value');
        remove(doc, op.path, `${at}.path`);
        add(doc, op.path, clone(op.value), `${at}.path`);
        break;
      case 'move': {
        // §4.4
        if (op.from === undefined) throw badArgument(`${at}.from`, 'a "move" needs "from", the pointer of the value to move');
        if (op.path.startsWith(`${op.from}/`)) throw badArgument(`${at}.path`, 'a value cannot move into itself');
        add(doc, op.path, remove(doc, op.from, `${at}.from`), `${at}.path`);
        break;
      }
      case 'copy': // §4.5
        if (op.from === undefined) throw badArgument(`${at}.from`, 'a "copy" needs "from", the pointer of the value to copy');
        add(doc, op.path, clone(get(doc, op.from, `${at}.from`)), `${at}.path`);
        break;
      case 'test': // §4.6
        if (!equal(get(doc, op.path, `${at}.path`), op.value))
          throw badArgument(at, `the test of "${op.path}" failed: the flow changed; read it again`);
        break;
      default:
        throw badArgument(`${at}.op`, 'must be one of add, remove, replace, move, copy, test (RFC 6902)');
    }
  });
  return doc;
}
