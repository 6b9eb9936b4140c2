import { WaymarkError, type NodeType } from '@waymark/sdk';
import { ajvProblems } from './validate/ajv-problems.js';
import { FLOW_PROBLEM_CODES } from './validate/codes.js';
import { compiledConfig } from './validate/node-config.js';

/**
 * Validates one node config outside a flow (harnesses, `runNode`) with the same compiled
 * validator a flow load uses, and applies its defaults. Returns a defaulted deep copy; throws
 * ERR_FLOW_CONFIG naming every offending pointer.
 */
export function compileNodeConfig(node: NodeType<unknown>, config: unknown): unknown {
  const compiled = compiledConfig(node);
  if (!compiled.ok) throw new WaymarkError('ERR_FLOW_CONFIG', `config schema of ${node.type} does not compile: ${compiled.error}`, { type: node.type });
  const copy = structuredClone(config ?? {});
  if (!compiled.validate(copy)) {
    const problems = ajvProblems(compiled.validate.errors, FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG, '', node.type);
    throw new WaymarkError('ERR_FLOW_CONFIG', `config of ${node.type} is invalid: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, {
      type: node.type,
      problems,
    });
  }
  return copy;
}
