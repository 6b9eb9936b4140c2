import { defineNode, IMPLICIT_OUTCOMES, type NodeType } from '@waymark/sdk';
import type { FlowProblem } from '../flow.js';
import type { NodeRegistry } from '../registry.js';
import { checkNodeAgainstType, checkWiring } from './check-node.js';
import { FLOW_PROBLEM_CODES as C } from './codes.js';
import { NODE_ID_PATTERN, NODE_TYPE_PATTERN } from './flow-schema.js';
import { compiledConfig } from './node-config.js';
import { pointer } from './pointer.js';
import { typeProblem } from './type-problem.js';
import type { FlowVariables } from './variables.js';

/** The type name of the page node: several input nodes shown as one step (AIC's Page Node). */
export const PAGE_TYPE = 'page';

/** The config schema of `page` (draft 2020-12). Each child's own config is checked against its type's schema. */
export const pageConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nodes'],
  properties: {
    header: { type: 'string', minLength: 1, maxLength: 200, description: "The step's heading (AIC pageHeader)." },
    description: { type: 'string', minLength: 1, maxLength: 2000, description: 'A sentence under the heading (AIC pageDescription).' },
    stage: { type: 'string', minLength: 1, maxLength: 200, description: 'A name the client may key its UI on (AIC stage).' },
    nodes: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      description: 'The nodes shown together, in order; the last one decides the outcome.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'type'],
        properties: {
          id: { type: 'string', pattern: NODE_ID_PATTERN, description: 'Unique within the page; names the child in traces.' },
          type: { type: 'string', pattern: NODE_TYPE_PATTERN, description: 'A registered node type (not page).' },
          version: { type: 'integer', minimum: 1, description: 'Pins the type version, as a node may.' },
          description: { type: 'string', maxLength: 2000, description: 'Free text for the reader.' },
          config: { type: 'object', description: "Checked against the child type's config schema, defaults applied." },
        },
      },
    },
  },
} as const;

/** A page's config after validation: every child's config defaulted. */
export interface PageConfig {
  header?: string;
  description?: string;
  stage?: string;
  nodes: { id: string; type: string; version?: number; description?: string; config: unknown }[];
}

const pageTypes = new WeakSet<NodeType<unknown>>();

/** Whether a node type is the engine's `page` (of any registry). */
export function isPageType(type: NodeType<unknown>): boolean {
  return pageTypes.has(type);
}

/** The outcomes a type declares for a config (implicit ones left out); throws what the type's function throws. */
export function declaredOutcomes(type: NodeType<unknown>, config: unknown): string[] {
  const declared = typeof type.outcomes === 'function' ? type.outcomes(config) : type.outcomes;
  return declared.filter((o) => !(IMPLICIT_OUTCOMES as readonly string[]).includes(o));
}

/** A child's config with its type's defaults, or undefined when it does not validate. */
function defaulted(type: NodeType<unknown>, config: unknown): unknown {
  const compiled = compiledConfig(type);
  if (!compiled.ok) return undefined;
  const copy: unknown = structuredClone(config ?? {});
  return compiled.validate(copy) ? copy : undefined;
}

/**
 * The `page` node type of one registry: its outcomes are its last child's, which only the
 * registry can name. The engine runs pages itself (engine/page.ts); `run` is never called.
 */
export function pageNodeType(registry: NodeRegistry): NodeType<unknown> {
  const type = defineNode({
    type: PAGE_TYPE,
    version: 1,
    description:
      "Shows several input nodes as one step (AIC's Page Node): their callbacks together, with a header, description and stage; the last node's outcomes are the page's.",
    config: pageConfigSchema,
    outcomes: (config) => {
      const last = (config as Partial<PageConfig> | undefined)?.nodes?.at(-1);
      const child = last === undefined ? undefined : registry.get(last.type);
      if (child === undefined || isPageType(child)) return [];
      const childConfig = defaulted(child, last?.config);
      try {
        return childConfig === undefined ? [] : declaredOutcomes(child, childConfig);
      } catch {
        return [];
      }
    },
    run() {
      throw new Error('a page is run by the engine, never by itself');
    },
  }) as NodeType<unknown>;
  pageTypes.add(type);
  return type;
}

/**
 * Checks a `page` node: its own config (schema, variables, pinned version), then each child
 * as a node of its type, at pointers inside the page's config (`/nodes/<id>/config/nodes/<i>`):
 * unknown type, pinned version, config against the type's schema (defaults applied), and that
 * every child but the last declares exactly one outcome. The page's wiring is checked against
 * the last child's outcomes. Returns the page's config with every child's config defaulted.
 */
export function checkPage(
  id: string,
  node: Readonly<Record<string, unknown>>,
  outcomes: Readonly<Record<string, unknown>> | undefined,
  type: NodeType<unknown>,
  registry: NodeRegistry,
  problems: FlowProblem[],
  variables: FlowVariables | undefined,
): { config: unknown } | undefined {
  const checked = checkNodeAgainstType(id, node, undefined, type, problems, variables);
  if (checked === undefined) return undefined;
  const config = checked.config as PageConfig;
  const at = pointer('nodes', id, 'config', 'nodes');
  const seen = new Set<string>();
  const lastIndex = config.nodes.length - 1;
  let ok = true;
  let lastDeclared: string[] | undefined;
  const fail = (problem: FlowProblem) => {
    problems.push(problem);
    ok = false;
  };
  config.nodes.forEach((child, i) => {
    const base = `${at}/${i}`;
    const name = `${id}/${child.id}`;
    if (seen.has(child.id))
      fail({
        code: C.ERR_FLOW_PAGE,
        pointer: `${base}/id`,
        message: `page "${id}" has two nodes with the id "${child.id}": give each node of a page its own id.`,
      });
    seen.add(child.id);
    const childType = registry.get(child.type);
    if (childType === undefined) return fail(typeProblem(name, child.type, registry, `${base}/type`));
    if (isPageType(childType))
      return fail({
        code: C.ERR_FLOW_PAGE,
        pointer: `${base}/type`,
        message: `page "${id}" holds a page ("${child.id}"): a page's nodes are input nodes; put their nodes into this page instead.`,
      });
    const childChecked = checkNodeAgainstType(name, child, undefined, childType, problems, undefined, base);
    if (childChecked === undefined) {
      ok = false;
      return;
    }
    child.config = childChecked.config;
    let declared: string[];
    try {
      declared = declaredOutcomes(childType, child.config);
    } catch (error) {
      return fail({
        code: C.ERR_FLOW_CONFIG,
        pointer: `${base}/config`,
        message: `node type ${childType.type} could not name its outcomes for this config (${error instanceof Error ? error.message : String(error)}): check the config against the type's documentation.`,
      });
    }
    if (i === lastIndex) lastDeclared = declared;
    else if (declared.length !== 1)
      fail({
        code: C.ERR_FLOW_PAGE,
        pointer: base,
        message: `node "${child.id}" of page "${id}" (${childType.type}) may end in ${declared.length} outcomes (${declared.map((o) => `"${o}"`).join(', ')}), but only the last node of a page may branch: make it the last node, or move it after the page.`,
      });
  });
  if (lastDeclared !== undefined && outcomes !== undefined) checkWiring(id, PAGE_TYPE, lastDeclared, outcomes, problems);
  return ok ? { config } : undefined;
}
