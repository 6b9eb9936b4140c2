import { defineNode, type FromSchema, type JsonSchema, type NodeDefinition, type NodeType } from '@waymark/sdk';

/**
 * `defineNode` for built-in types, which may own a bare name (`redirect`, `decision`,
 * `message`) as the flow format names them. The SDK's name rule requires a namespace so
 * that plugins cannot clash; the root namespace is reserved for built-ins. Every other check
 * of `defineNode` still runs (under a namespaced alias), then the bare name is put back.
 * When the SDK accepts bare built-in names this helper reduces to `defineNode`.
 *
 * @example
 * export const redirect = defineBuiltinNode({ type: 'redirect', version: 1, ... });
 */
export function defineBuiltinNode<const S extends JsonSchema, const O extends string>(
  definition: NodeDefinition<S, O>,
): NodeType<FromSchema<S>> {
  if (definition.type.includes('.')) return defineNode(definition);
  const node = defineNode({ ...definition, type: `builtin.${definition.type}` });
  return Object.freeze({ ...node, type: definition.type });
}
