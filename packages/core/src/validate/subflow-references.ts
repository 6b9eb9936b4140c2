import type { FlowProblem } from '../flow.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { pointer } from './pointer.js';
import { didYouMean } from './suggest.js';

/** The type name of the subflow node (kept in step with `engine/flow-run.ts`). */
const FLOW_RUN = 'flow.run';
/** State path segments that would reach an object's prototype (kept in step with `engine/subflow.ts`). */
const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The flows a flow may call through `flow.run`, as validation sees them: the flow document of
 * an id (its active version, or the version asked for), or undefined when there is none. The
 * engine's flow library answers it (plus the other files of a directory being loaded).
 */
export interface SubflowLookup {
  get(id: string, version?: number): unknown;
  /** The ids known, for "did you mean". */
  ids(): readonly string[];
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

interface Call {
  node: string;
  flow: string;
  version: number | undefined;
  config: Json;
}

/** The `flow.run` calls a flow document makes (read defensively: a looked-up document may be unvalidated). */
export function subflowCalls(doc: unknown): Call[] {
  if (!isObject(doc) || !isObject(doc['nodes'])) return [];
  const calls: Call[] = [];
  for (const [node, value] of Object.entries(doc['nodes'])) {
    if (!isObject(value) || value['type'] !== FLOW_RUN || !isObject(value['config'])) continue;
    const flow = value['config']['flow'];
    const version = value['config']['version'];
    if (typeof flow === 'string')
      calls.push({ node, flow, version: typeof version === 'number' ? version : undefined, config: value['config'] });
  }
  return calls;
}

/**
 * Checks a flow's `flow.run` nodes: `input` / `output` only with isolated state (always), and
 * that no call leads back to this flow (ERR_FLOW_RECURSION, naming the cycle: a direct
 * self-call is found without a library). With `lookup`, also that each called flow (and
 * pinned version) exists (ERR_FLOW_SUBFLOW_NOT_FOUND) and indirect recursion through the
 * flows it calls. Without one (a single file checked alone), those wait for the flow's load.
 */
export function subflowProblems(doc: Json, configs: Record<string, unknown>, lookup: SubflowLookup | undefined): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const id = typeof doc['id'] === 'string' ? doc['id'] : '';
  const version = typeof doc['version'] === 'number' ? doc['version'] : undefined;
  // A reference to this flow's id, unpinned or pinned to this version, is this flow.
  const isSelf = (flow: string, v: number | undefined) => flow === id && (v === undefined || v === version);

  for (const call of subflowCalls(doc)) {
    const at = pointer('nodes', call.node, 'config');
    // The raw config when the defaulted one is missing (the config has other problems): still worth saying.
    const config = (configs[call.node] ?? call.config) as { state?: unknown; input?: unknown; output?: unknown };
    if (config.state === 'shared')
      for (const key of ['input', 'output'] as const)
        if (config[key] !== undefined)
          problems.push({
            code: C.ERR_FLOW_CONFIG,
            pointer: `${at}/${key}`,
            message: `node "${call.node}" shares its state with the flow it calls, so "${key}" has nothing to copy: remove "${key}", or set "state": "isolated".`,
          });

    for (const key of ['input', 'output'] as const) {
      const mapping = call.config[key];
      if (!isObject(mapping)) continue;
      for (const [path, from] of Object.entries(mapping)) {
        const paths = key === 'output' ? [path, from] : [path];
        if (paths.some((p) => typeof p === 'string' && p.split('.').some((segment) => UNSAFE_SEGMENTS.has(segment))))
          problems.push({
            code: C.ERR_FLOW_CONFIG,
            pointer: `${at}/${key}/${path.replaceAll('~', '~0').replaceAll('/', '~1')}`,
            message: `"${key}" of node "${call.node}" names "__proto__", "prototype" or "constructor" in a state path: rename that key.`,
          });
      }
    }

    if (isSelf(call.flow, call.version)) {
      problems.push({
        code: C.ERR_FLOW_RECURSION,
        pointer: `${at}/flow`,
        message: `node "${call.node}" runs flow "${id}" from inside itself (${id} → ${id}): a journey would never end. Call another flow, or loop with an outcome inside this one.`,
      });
      continue;
    }
    if (lookup === undefined) continue;
    const target = lookup.get(call.flow, call.version);
    if (target === undefined) {
      const exists = lookup.get(call.flow) !== undefined;
      problems.push(
        exists && call.version !== undefined
          ? {
              code: C.ERR_FLOW_SUBFLOW_NOT_FOUND,
              pointer: `${at}/version`,
              message: `node "${call.node}" pins version ${call.version} of flow "${call.flow}", which is not loaded: load that version, or remove "version" to run the active one.`,
            }
          : {
              code: C.ERR_FLOW_SUBFLOW_NOT_FOUND,
              pointer: `${at}/flow`,
              message: `node "${call.node}" runs flow "${call.flow}", which is not loaded: load it with this flow (same folder or flow store), or fix the id.${didYouMean(call.flow, lookup.ids())}`,
            },
      );
      continue;
    }
    const cycle = pathBack(call.flow, target, lookup, isSelf);
    if (cycle !== undefined)
      problems.push({
        code: C.ERR_FLOW_RECURSION,
        pointer: `${at}/flow`,
        message: `node "${call.node}" runs flow "${call.flow}", which leads back to this one (${[id, ...cycle, id].join(' → ')}): a journey would never end. Break the cycle.`,
      });
  }
  return problems;
}

/** The chain of flow ids from `start` that calls back into the flow being checked, or undefined. */
function pathBack(
  start: string,
  doc: unknown,
  lookup: SubflowLookup,
  isSelf: (flow: string, version: number | undefined) => boolean,
): string[] | undefined {
  const seen = new Set<unknown>();
  const walk = (name: string, current: unknown): string[] | undefined => {
    if (seen.has(current)) return undefined;
    seen.add(current);
    for (const call of subflowCalls(current)) {
      if (isSelf(call.flow, call.version)) return [name];
      const next = lookup.get(call.flow, call.version);
      if (next === undefined) continue;
      const rest = walk(call.flow, next);
      if (rest) return [name, ...rest];
    }
    return undefined;
  };
  return walk(start, doc);
}
