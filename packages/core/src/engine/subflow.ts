import type { JsonObject, JsonValue } from '@waymark/sdk';
import type { CompiledFlow } from './compile.js';
import type { FlowRunConfig } from './flow-run.js';

/**
 * A subflow call in progress: the child journey a `flow.run` node runs inside its caller. The
 * engine keeps a stack of them on the live journey (`LiveJourney.calls`, outermost first: the
 * call at index d was made by the flow at depth d), so a child that suspends suspends the
 * whole journey, and the resume goes straight back to the child's node.
 */
export interface SubflowCall {
  flow: CompiledFlow;
  /** The child's current node. */
  node: string;
  /** The child's state: its own object when isolated, the caller's very object when shared. */
  state: JsonObject;
  shared: boolean;
}

/** A call's persisted form in the journey record (short keys, as the record's). */
export interface SubflowCallRecord {
  f: string;
  fv: number;
  n: string;
  /** The child's own state; absent when it shares its caller's. */
  s?: JsonObject;
}

/** What an `input` ref may read in the calling journey: the same roots as `decision`'s refs, never secrets. */
export interface RefRoots {
  state: JsonObject;
  request: unknown;
  params: unknown;
  par: unknown;
  client: unknown;
  journey: unknown;
}

function read(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The value a ref (`state.user.mail`, `params.login_hint`, `request.ip`) names, or undefined. */
export function resolveRef(ref: string, roots: RefRoots): unknown {
  const [root, ...path] = ref.split('.');
  const views: Record<string, unknown> = {
    state: roots.state,
    request: roots.request,
    params: roots.params,
    par: roots.par,
    client: roots.client,
    journey: roots.journey,
  };
  return read(views[root ?? ''], path);
}

/** Path segments that would reach an object's prototype: refused at load, and never written here either. */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** Sets a copy of `value` at a dotted state path, making the objects on the way (an array or a scalar there is replaced). */
function write(state: JsonObject, path: string, value: unknown): void {
  const keys = path.split('.');
  if (keys.some((k) => UNSAFE_SEGMENTS.has(k))) return;
  let target: JsonObject = state;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
    target = target[key] as JsonObject;
  }
  target[keys[keys.length - 1]!] = structuredClone(value) as JsonValue;
}

/**
 * Starts a call: an isolated child's state holds only its `input` mappings (copies: the child
 * cannot change the caller's objects); a shared child works on the caller's state object.
 * A ref that names nothing is left out.
 */
export function startCall(config: FlowRunConfig, child: CompiledFlow, roots: RefRoots): SubflowCall {
  if (config.state === 'shared') return { flow: child, node: child.start, state: roots.state, shared: true };
  const state: JsonObject = {};
  for (const [path, ref] of Object.entries(config.input ?? {})) {
    const value = resolveRef(ref, roots);
    if (value !== undefined) write(state, path, value);
  }
  return { flow: child, node: child.start, state, shared: false };
}

/**
 * Ends a call that reached `success` or `failure`: an isolated child's `output` mappings are
 * copied into the caller's state (a child path that holds nothing is left out).
 */
export function endCall(config: FlowRunConfig, call: SubflowCall, callerState: JsonObject): void {
  if (call.shared) return;
  for (const [path, childPath] of Object.entries(config.output ?? {})) {
    const value = read(call.state, childPath.split('.'));
    if (value !== undefined) write(callerState, path, value);
  }
}

/** The persisted form of the calls in progress (none: undefined, so a record without subflows is unchanged). */
export function callRecords(calls: readonly SubflowCall[] | undefined): SubflowCallRecord[] | undefined {
  if (!calls || calls.length === 0) return undefined;
  return calls.map((c) =>
    c.shared ? { f: c.flow.id, fv: c.flow.version, n: c.node } : { f: c.flow.id, fv: c.flow.version, n: c.node, s: c.state },
  );
}

/**
 * The calls a record holds, their flows compiled (the version each call started on, fetched
 * from the flow store when this process has not loaded it). A shared call gets its caller's
 * state object back. Undefined when a flow is not to be had.
 */
export async function openCalls(
  records: readonly SubflowCallRecord[],
  rootState: JsonObject,
  flow: (id: string, version: number) => Promise<CompiledFlow | undefined>,
): Promise<SubflowCall[] | { missing: { flowId: string; flowVersion: number } }> {
  const calls: SubflowCall[] = [];
  let callerState = rootState;
  for (const r of records) {
    const compiled = await flow(r.f, r.fv);
    if (!compiled) return { missing: { flowId: r.f, flowVersion: r.fv } };
    const call: SubflowCall =
      r.s === undefined
        ? { flow: compiled, node: r.n, state: callerState, shared: true }
        : { flow: compiled, node: r.n, state: r.s, shared: false };
    calls.push(call);
    callerState = call.state;
  }
  return calls;
}
