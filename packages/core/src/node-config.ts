import { WaymarkError, type NodeType } from '@waymark/sdk';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/* One ajv instance for node configs; each node type's validator is compiled once (WeakMap
 * keyed by the node type) and reused for every flow that uses it — never per request. */
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new WeakMap<NodeType<unknown>, ValidateFunction>();

/** The compiled config validator of a node type (applies defaults in place). */
export function configValidator(node: NodeType<unknown>): ValidateFunction {
  let validate = validators.get(node);
  if (!validate) {
    validate = ajv.compile(node.config as object);
    validators.set(node, validate);
  }
  return validate;
}

/** ajv errors of a config, as JSON pointers relative to the config. */
export function configErrors(node: NodeType<unknown>, config: unknown): { pointer: string; message: string }[] {
  const validate = configValidator(node);
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => ({
    pointer: e.keyword === 'required' ? `${e.instancePath}/${String((e.params as { missingProperty?: string }).missingProperty)}` : e.instancePath,
    message: e.keyword === 'additionalProperties'
      ? `unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}": remove it or check its spelling`
      : `${e.message ?? 'is invalid'}`,
  }));
}

/**
 * Validates a node config and applies its defaults; throws ERR_FLOW_CONFIG naming the first
 * offending pointers. Returns a defaulted deep copy.
 */
export function compileNodeConfig(node: NodeType<unknown>, config: unknown): unknown {
  const copy = structuredClone(config ?? {});
  const errors = configErrors(node, copy);
  if (errors.length > 0) {
    throw new WaymarkError(
      'ERR_FLOW_CONFIG',
      `config of ${node.type} is invalid: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`,
      { type: node.type, errors },
    );
  }
  return copy;
}
