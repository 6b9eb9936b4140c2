import { IMPLICIT_OUTCOMES, type NodeType } from '@waymark/sdk';
import type { FlowProblem } from '../flow.js';
import { ajvProblems } from './ajv-problems.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { checkedConfigProblems, compiledConfig } from './node-config.js';
import { OUTCOME_PATTERN } from './flow-schema.js';
import { pointer } from './pointer.js';
import { didYouMean } from './suggest.js';
import { resolveVariables, type FlowVariables } from './variables.js';

const implicit: ReadonlySet<string> = new Set(IMPLICIT_OUTCOMES);
const OUTCOME = new RegExp(OUTCOME_PATTERN);

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * Checks one node against its registered type: pinned version, config (defaults applied to a
 * copy, returned on success), and outcomes wired versus declared. `outcomes` is the node's
 * outcome map when it is an object, else undefined (the schema check reports that). `at` is
 * the node's pointer (a `page`'s child sits inside the page's config).
 */
export function checkNodeAgainstType(
  id: string,
  node: Readonly<Record<string, unknown>>,
  outcomes: Readonly<Record<string, unknown>> | undefined,
  type: NodeType<unknown>,
  problems: FlowProblem[],
  variables?: FlowVariables,
  at: string = pointer('nodes', id),
): { config: unknown } | undefined {
  if (typeof node['version'] === 'number' && node['version'] !== type.version) {
    problems.push({
      code: C.ERR_FLOW_NODE_VERSION,
      pointer: `${at}/version`,
      message: `node "${id}" pins ${type.type} version ${node['version']}, but version ${type.version} is registered: set "version" to ${type.version} after checking its changes, or remove "version".`,
    });
  }

  const raw = node['config'];
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) return undefined; // schema reports it
  const compiled = compiledConfig(type);
  if (!compiled.ok) {
    problems.push({
      code: C.ERR_FLOW_CONFIG_SCHEMA,
      pointer: `${at}/type`,
      message: `node type ${type.type} has a config schema that does not compile (${compiled.error}): this is a bug of the node type; upgrade or fix the package that provides it.`,
    });
    return undefined;
  }
  let config: unknown;
  try {
    config = raw === undefined ? {} : structuredClone(raw);
  } catch {
    problems.push({
      code: C.ERR_FLOW_CONFIG,
      pointer: `${at}/config`,
      message: `config of node "${id}" must be plain JSON data: remove functions and class instances.`,
    });
    return undefined;
  }
  // Variables (`{ "$var": "issuer" }`) are resolved before the type's schema sees the config.
  const unresolved = problems.length;
  config = resolveVariables(config, `${at}/config`, variables, problems);
  if (problems.length > unresolved) return undefined;
  const schemaValid = compiled.validate(config);
  if (!schemaValid) problems.push(...ajvProblems(compiled.validate.errors, C.ERR_FLOW_CONFIG, `${at}/config`, `config of ${type.type}`));
  // The type's own checks (an expression's syntax, a path's segments) judge only a config its schema accepted.
  const checked = schemaValid ? checkedConfigProblems(type, config, `${at}/config`) : [];
  problems.push(...checked);
  const configValid = schemaValid && checked.length === 0;

  let declared: readonly string[];
  try {
    declared = typeof type.outcomes === 'function' ? type.outcomes(config) : type.outcomes;
    // Outcomes computed from a config that is wrong are still judged (an author fixes both in
    // one pass), as far as the type could name them: what is no outcome name is left out.
    if (!configValid) declared = declared.filter((o) => typeof o === 'string' && OUTCOME.test(o));
  } catch (error) {
    // A type that cannot name its outcomes for a wrong config has said enough in the config problems.
    if (!configValid) return undefined;
    problems.push({
      code: C.ERR_FLOW_CONFIG,
      pointer: `${at}/config`,
      message: `node type ${type.type} could not name its outcomes for this config (${error instanceof Error ? error.message : String(error)}): check the config against the type's documentation.`,
    });
    return { config };
  }
  const result = configValid ? { config } : undefined;
  if (outcomes === undefined) return result;
  checkWiring(id, type.type, declared, outcomes, problems);
  return result;
}

/**
 * Checks a node's wired outcomes against the ones its type declares: an outcome it never
 * returns (error and timeout are always allowed), and one it may return but does not wire.
 */
export function checkWiring(
  id: string,
  typeName: string,
  declared: readonly string[],
  outcomes: Readonly<Record<string, unknown>>,
  problems: FlowProblem[],
): void {
  const allowed = [...declared, ...IMPLICIT_OUTCOMES.filter((o) => !declared.includes(o))];
  for (const outcome of Object.keys(outcomes)) {
    if (declared.includes(outcome) || implicit.has(outcome)) continue;
    problems.push({
      code: C.ERR_FLOW_UNDECLARED_OUTCOME,
      pointer: pointer('nodes', id, 'outcomes', outcome),
      message: `${typeName} never returns the outcome "${outcome}": remove it or rename it to one of ${list(allowed)}.${didYouMean(outcome, allowed)}`,
    });
  }
  for (const outcome of declared) {
    if (Object.hasOwn(outcomes, outcome)) continue;
    problems.push({
      code: C.ERR_FLOW_UNWIRED_OUTCOME,
      pointer: pointer('nodes', id, 'outcomes', outcome),
      message: `node "${id}" (${typeName}) may return "${outcome}" but does not wire it: add "${outcome}": "<node id>" (or "success" / "failure") to its outcomes.`,
    });
  }
}
