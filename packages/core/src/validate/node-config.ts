import type { ValidateFunction } from 'ajv/dist/2020.js';
import { WaymarkError, type NodeConfigProblem, type NodeType } from '@waymark/sdk';
import type { FlowProblem } from '../flow.js';
import { ajvProblems } from './ajv-problems.js';
import { createAjv, type Ajv } from './ajv.js';
import { FLOW_PROBLEM_CODES } from './codes.js';

// A node type's config: its schema compiled once per node type (fastify's rule: schemas are
// compiled at load, never per request), used by flow validation and by the harnesses alike.

/** A node type's compiled config validator, or why its schema does not compile. */
export type CompiledConfig = { ok: true; validate: ValidateFunction } | { ok: false; error: string };

let shared: Ajv | undefined;
// Compiled once per node type, whatever the number of flows, versions and journeys that use it.
// A WeakMap keyed by the NodeType object lets an unloaded plugin's types be collected.
const cache = new WeakMap<NodeType<unknown>, CompiledConfig>();

/** The config validator of a node type, compiled on first use and cached. */
export function compiledConfig(node: NodeType<unknown>): CompiledConfig {
  const cached = cache.get(node);
  if (cached !== undefined) return cached;
  shared ??= createAjv();
  let compiled: CompiledConfig;
  try {
    // A node's schema may carry an `$id`; two node types sharing one would clash in one ajv
    // instance, so the schema is compiled without registering it by id.
    compiled = { ok: true, validate: shared.compile(withoutId(node.config)) };
  } catch (error) {
    compiled = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  cache.set(node, compiled);
  return compiled;
}

function withoutId(schema: NodeType<unknown>['config']): NodeType<unknown>['config'] {
  if (typeof schema === 'boolean' || !('$id' in schema)) return schema;
  const { $id: _id, ...rest } = schema;
  return rest;
}

/**
 * The problems a node type's own `check` finds in a config its schema accepted, at pointers
 * under `at` (the config's place in the flow document). A `check` that throws is a bug of the
 * node type, reported as such at the config.
 */
export function checkedConfigProblems(node: NodeType<unknown>, config: unknown, at: string): FlowProblem[] {
  if (node.check === undefined) return [];
  let found: readonly NodeConfigProblem[];
  try {
    found = node.check(config);
  } catch (error) {
    return [
      {
        code: FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG,
        pointer: at,
        message: `node type ${node.type} could not check this config (${error instanceof Error ? error.message : String(error)}): this is a bug of the node type; upgrade or fix the package that provides it.`,
      },
    ];
  }
  return found.map((p) => ({ code: p.code ?? FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG, pointer: `${at}${p.pointer}`, message: p.message }));
}

/**
 * Validates one node config outside a flow (harnesses, `runNode`) with the same compiled
 * validator a flow load uses, and applies its defaults. Returns a defaulted deep copy; throws
 * ERR_FLOW_CONFIG naming every offending pointer.
 */
export function compileNodeConfig(node: NodeType<unknown>, config: unknown): unknown {
  const compiled = compiledConfig(node);
  if (!compiled.ok)
    throw new WaymarkError(FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG, `config schema of ${node.type} does not compile: ${compiled.error}`, {
      type: node.type,
    });
  const copy = structuredClone(config ?? {});
  const valid = compiled.validate(copy);
  const problems = valid ? checkedConfigProblems(node, copy, '') : ajvProblems(compiled.validate.errors, FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG, '', node.type);
  if (problems.length > 0) {
    throw new WaymarkError(
      FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG,
      `config of ${node.type} is invalid: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`,
      {
        type: node.type,
        problems,
      },
    );
  }
  return copy;
}
