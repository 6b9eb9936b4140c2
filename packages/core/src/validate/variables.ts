import type { FlowProblem } from '../flow.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { escapeToken } from './pointer.js';
import { didYouMean } from './suggest.js';

/**
 * Per-environment values a flow's node config refers to by name (`{ "$var": "issuer" }`): not
 * secrets (those are `secretName`s), but what differs between environments (an issuer, an
 * audience, a JWKS URL), so one flow file serves every environment.
 */
export type FlowVariables = Readonly<Record<string, string | number | boolean>>;

/** A variable's name: a letter, then letters, digits, `_`, `.` or `-` (at most 64). */
export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Whether a config value is a variable reference: an object whose only key is `$var`. */
function reference(value: unknown): value is { $var: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$var';
}

/**
 * Replaces every `{ "$var": name }` in a (copied) node config by the variable's value, in place,
 * and reports each reference that cannot be resolved at its pointer. Returns the config (the
 * same object, or the value itself when the whole config was a reference).
 */
export function resolveVariables(config: unknown, at: string, variables: FlowVariables | undefined, problems: FlowProblem[]): unknown {
  if (reference(config)) {
    const name = config.$var;
    if (typeof name !== 'string' || !VARIABLE_NAME.test(name)) {
      problems.push({
        code: C.ERR_FLOW_VARIABLE,
        pointer: `${at}/$var`,
        message: `"$var" must name a variable: a letter, then letters, digits, "_", "." or "-" (such as "issuer").`,
      });
      return config;
    }
    if (variables === undefined || !Object.hasOwn(variables, name)) {
      const known = variables === undefined ? [] : Object.keys(variables);
      problems.push({
        code: C.ERR_FLOW_VARIABLE,
        pointer: at,
        message: `the variable "${name}" is not defined: set it under "variables" in the serve config, or WAYMARK_VAR_${name}=<value> in the environment, or --var ${name}=<value> on the command line.${didYouMean(name, known)}`,
      });
      return config;
    }
    return variables[name];
  }
  if (Array.isArray(config)) {
    for (let i = 0; i < config.length; i++) config[i] = resolveVariables(config[i], `${at}/${i}`, variables, problems);
  } else if (config !== null && typeof config === 'object') {
    const record = config as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = resolveVariables(record[key], `${at}/${escapeToken(key)}`, variables, problems);
  }
  return config;
}

/** The names of the variables a flow's node configs reference (for tools that list what a flow needs). */
export function referencedVariables(flow: unknown): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (reference(value)) {
      if (typeof value.$var === 'string') names.add(value.$var);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  const nodes = (flow as { nodes?: unknown } | null)?.nodes;
  if (nodes !== null && typeof nodes === 'object')
    for (const node of Object.values(nodes)) walk((node as { config?: unknown } | null)?.config);
  return [...names].sort();
}
