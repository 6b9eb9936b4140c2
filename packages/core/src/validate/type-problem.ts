import type { FlowProblem } from '../flow.js';
import type { NodeRegistry } from '../registry.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { pointer } from './pointer.js';
import { closest } from './suggest.js';

/**
 * The problem of a node whose type is not registered, with the closest registered name or the
 * list. `at` is where its `type` is (a `page`'s child sits inside the page's config); `id`
 * names it in the message.
 */
export function typeProblem(id: string, type: string, registry: NodeRegistry, at: string = pointer('nodes', id, 'type')): FlowProblem {
  const known = registry.list().map((t) => t.type);
  const guess = closest(type, known);
  const fix =
    guess !== undefined
      ? `Did you mean "${guess}"?`
      : known.length === 0
        ? 'No node types are registered: load the package that provides it.'
        : `Fix the name, or load the plugin package that provides it (registered: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}).`;
  return {
    code: C.ERR_FLOW_UNKNOWN_TYPE,
    pointer: at,
    message: `node "${id}" has the unknown type "${type}". ${fix}`,
  };
}
