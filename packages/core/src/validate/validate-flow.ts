import type { ValidateFunction } from 'ajv/dist/2020.js';
import { FlowInvalidError } from '../errors.js';
import { TERMINALS, type Flow, type FlowProblem } from '../flow.js';
import type { NodeRegistry } from '../registry.js';
import { createAjv } from './ajv.js';
import { ajvProblems } from './ajv-problems.js';
import { checkNodeAgainstType } from './check-node.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { flowSchema } from './flow-schema.js';
import { noExitCycles, reachableFrom, type Edge } from './graph.js';
import { parseFlowJson } from './parse-json.js';
import { pointer } from './pointer.js';
import { didYouMean } from './suggest.js';
import { subflowProblems, type SubflowLookup } from './subflow-references.js';
import { checkPage, isPageType } from './page.js';
import { typeProblem } from './type-problem.js';
import type { FlowVariables } from './variables.js';

/** Options of {@link validateFlow}. */
export interface ValidateFlowOptions {
  /** The values of the variables node configs reference (`{ "$var": "issuer" }`); an undefined one is a problem. */
  variables?: FlowVariables;
  /**
   * The flows `flow.run` nodes may call (the engine's flow library). With it, each called flow
   * and pinned version must exist and no call may lead back to this flow; without it, only a
   * direct self-call is found and the rest waits for the flow's load.
   */
  flows?: SubflowLookup;
}

/** A flow that passed validation, with each node's config after its type's defaults were applied. */
export interface ValidFlow {
  flow: Flow;
  /** node id → its config, validated and with defaults filled in (a copy; `flow` is untouched). */
  configs: Record<string, unknown>;
}

export type FlowValidation = ({ ok: true } & ValidFlow) | { ok: false; problems: FlowProblem[] };

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isTerminal = (target: string): boolean => (TERMINALS as readonly string[]).includes(target);

let schemaValidator: ValidateFunction | undefined;

function schemaProblems(input: unknown): FlowProblem[] {
  schemaValidator ??= createAjv().compile(flowSchema);
  if (schemaValidator(input)) return [];
  // A missing start gets its own code from the graph checks.
  const errors = (schemaValidator.errors ?? []).filter(
    (e) => !(e.keyword === 'required' && e.instancePath === '' && (e.params as { missingProperty?: unknown }).missingProperty === 'start'),
  );
  return ajvProblems(errors, C.ERR_FLOW_SCHEMA);
}

/** Checks that need the registry and the graph; they read the raw input defensively. */
function graphProblems(
  input: Json,
  registry: NodeRegistry,
  configs: Record<string, unknown>,
  variables: FlowVariables | undefined,
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const nodes = isObject(input['nodes']) ? input['nodes'] : undefined;
  const ids = nodes === undefined ? [] : Object.keys(nodes).filter((id) => !isTerminal(id));
  const idSet = new Set(ids);
  const start = input['start'];

  if (start === undefined) {
    problems.push({
      code: C.ERR_FLOW_MISSING_START,
      pointer: '/start',
      message: `the flow has no "start": add "start": "<id of the first node>"${ids[0] === undefined ? '' : ` (such as "${ids[0]}")`}.`,
    });
  } else if (typeof start === 'string' && nodes !== undefined && !idSet.has(start)) {
    problems.push({
      code: C.ERR_FLOW_MISSING_START,
      pointer: '/start',
      message: `"start" names "${start}", which is not a node of this flow: set it to the id of the first node.${didYouMean(start, ids)}`,
    });
  }
  if (nodes === undefined) return problems;

  const graph = new Map<string, Edge[]>();
  for (const [id, node] of Object.entries(nodes)) {
    if (isTerminal(id)) {
      problems.push({
        code: C.ERR_FLOW_RESERVED_ID,
        pointer: pointer('nodes', id),
        message: `"${id}" is the name of a terminal and cannot be a node id: rename the node (such as "${id}Page") and the outcomes that lead to it.`,
      });
      continue;
    }
    if (!isObject(node)) continue;
    const outcomes = isObject(node['outcomes']) ? node['outcomes'] : undefined;
    const edges: Edge[] = [];
    for (const [outcome, target] of Object.entries(outcomes ?? {})) {
      if (typeof target !== 'string') continue;
      edges.push({ outcome, target });
      if (!isTerminal(target) && !idSet.has(target)) {
        problems.push({
          code: C.ERR_FLOW_UNKNOWN_TARGET,
          pointer: pointer('nodes', id, 'outcomes', outcome),
          message: `outcome "${outcome}" of node "${id}" leads to "${target}", which is no node of this flow: point it at a node id, "success" or "failure".${didYouMean(target, [...ids, ...TERMINALS])}`,
        });
      }
    }
    graph.set(id, edges);

    const typeName = node['type'];
    if (typeof typeName !== 'string') continue;
    const type = registry.get(typeName);
    if (type === undefined) {
      problems.push(typeProblem(id, typeName, registry));
      continue;
    }
    // A page's children are node types too: checked in the page's config (validate/page.ts).
    const checked = isPageType(type)
      ? checkPage(id, node, outcomes, type, registry, problems, variables)
      : checkNodeAgainstType(id, node, outcomes, type, problems, variables);
    if (checked !== undefined) configs[id] = checked.config;
  }

  if (typeof start === 'string' && graph.has(start)) {
    const reached = reachableFrom(graph, start);
    for (const id of graph.keys()) {
      if (reached.has(id)) continue;
      problems.push({
        code: C.ERR_FLOW_UNREACHABLE,
        pointer: pointer('nodes', id),
        message: `node "${id}" is never reached from "start" ("${start}"): wire an outcome of another node to it, or remove it.`,
      });
    }
  }
  for (const cycle of noExitCycles(graph, isTerminal)) {
    const first = cycle[0] ?? '';
    const members =
      cycle.length === 1
        ? `node "${first}" leads only to itself`
        : `nodes ${cycle.map((id) => `"${id}"`).join(', ')} lead only to each other`;
    problems.push({
      code: C.ERR_FLOW_NO_EXIT_CYCLE,
      pointer: pointer('nodes', first),
      message: `${members}: no declared outcome ever reaches "success" or "failure" (error and timeout do not count). Wire one of its outcomes to a node outside the loop or to a terminal.`,
    });
  }
  return problems;
}

/**
 * Validates a flow document against the flow schema, the registered node types and its own
 * graph, and reports every problem at once, each with an RFC 6901 pointer and a fix. On
 * success, `configs` holds each node's config with its type's defaults applied (the input is not
 * modified). Config validators are compiled once per node type and cached.
 *
 * @example
 * const result = validateFlow(JSON.parse(text), registry);
 * if (!result.ok) for (const p of result.problems) console.error(`${p.pointer} ${p.code} ${p.message}`);
 */
export function validateFlow(input: unknown, registry: NodeRegistry, options: ValidateFlowOptions = {}): FlowValidation {
  const fromSchema = schemaProblems(input);
  const configs: Record<string, unknown> = {};
  const fromGraph = isObject(input)
    ? [...graphProblems(input, registry, configs, options.variables), ...subflowProblems(input, configs, options.flows)]
    : [];
  // One problem per place: where the schema already objects (a malformed type name, a bad
  // target id), the finer check would only repeat it.
  const taken = new Set(fromSchema.map((p) => p.pointer));
  const problems = [...fromSchema, ...fromGraph.filter((p) => !taken.has(p.pointer))];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, flow: input as Flow, configs };
}

/**
 * `parseFlowJson` then `validateFlow`: reads a flow file's text and reports its duplicate keys
 * together with every other problem.
 */
export function validateFlowJson(text: string, registry: NodeRegistry, file?: string, options: ValidateFlowOptions = {}): FlowValidation {
  const parsed = parseFlowJson(text, file);
  if (parsed.ok) return validateFlow(parsed.value, registry, options);
  if (!('value' in parsed)) return { ok: false, problems: parsed.problems };
  const result = validateFlow(parsed.value, registry, options);
  return { ok: false, problems: [...parsed.problems, ...(result.ok ? [] : result.problems)] };
}

/**
 * Like `validateFlow`, but throws `FlowInvalidError` (`ERR_FLOW_INVALID`, every problem in
 * `problems`) instead of returning them. `label` names the flow in the message (a file name,
 * `session-transfer@1`).
 *
 * @example
 * const { flow, configs } = assertValidFlow(JSON.parse(text), registry, 'flows/login.json');
 */
export function assertValidFlow(input: unknown, registry: NodeRegistry, label: string, options: ValidateFlowOptions = {}): ValidFlow {
  const result = validateFlow(input, registry, options);
  if (!result.ok) throw new FlowInvalidError(label, result.problems);
  return { flow: result.flow, configs: result.configs };
}
