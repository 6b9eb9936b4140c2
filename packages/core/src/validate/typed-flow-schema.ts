import { IMPLICIT_OUTCOMES, type NodeType } from '@waymark/sdk';
import { flowSchema } from './flow-schema.js';
import { escapeToken } from './pointer.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/* Keywords whose values are data, not schemas: a `$ref` key inside them is not a reference. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** The `$defs` key of a node type's config schema: `config.ip.match`. */
export function configDefName(type: string): string {
  return `config.${type}`;
}

/** Rewrites local references (`#`, `#/$defs/x`) of a schema moved to `base` inside another document. */
function rebase(schema: Json, base: string): Json {
  if (Array.isArray(schema)) return schema.map((s) => rebase(s, base));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && (value === '#' || value.startsWith('#/'))) out[key] = base + value.slice(1);
    else out[key] = DATA_KEYWORDS.has(key) ? value : rebase(value, base);
  }
  return out;
}

/** A node type's config schema as a `$defs` entry: no `$id` / `$schema` of its own, local refs rebased. */
function configDef(node: NodeType<unknown>, base: string): Json {
  const schema = JSON.parse(JSON.stringify(node.config)) as Json;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const { $id: _id, $schema: _schema, ...rest } = schema;
  const rebased = rebase(rest, base) as JsonObject;
  return { description: `Config of ${node.type}: ${node.description}`, ...rebased };
}

/** What a node of one type must look like beyond the generic node: its config, and its outcomes when they are a fixed list. */
function branch(node: NodeType<unknown>): JsonObject {
  const ref = `#/$defs/${escapeToken(configDefName(node.type))}`;
  const then: { properties: JsonObject } = { properties: { config: { $ref: ref } } };
  if (Array.isArray(node.outcomes)) {
    const declared = node.outcomes as readonly string[];
    const all = [...declared, ...IMPLICIT_OUTCOMES.filter((o) => !declared.includes(o))];
    then.properties['outcomes'] = {
      properties: Object.fromEntries(
        all.map((o) => [
          o,
          {
            description: declared.includes(o)
              ? `Where "${o}" leads: a node id, "success" or "failure".`
              : `Where "${o}" leads when wired (any node may return it).`,
          },
        ]),
      ),
      required: [...declared],
      propertyNames: { enum: all },
    };
  }
  return { if: { properties: { type: { const: node.type } }, required: ['type'] }, then };
}

/**
 * The flow JSON Schema with each given node type's `config` (and, for a fixed list, its
 * `outcomes`) typed by the node's `type`: one `if`/`then` per type under `$defs.node.allOf`, each
 * config schema under `$defs["config.<type>"]`. Editors that read `"$schema"` then complete and
 * check a node's config as soon as its `type` is set. Node types not given stay untyped, so a
 * flow using plugin types is still valid against it. Without types it is `flowSchema` itself.
 *
 * `waymark schema` writes it for the built-in types (and `--plugin` ones); the published
 * `@waymark/core/flow.schema.json` is that file for the built-ins.
 *
 * @example
 * writeFileSync('flow.schema.json', JSON.stringify(flowSchemaForTypes(registry.list()), null, 2) + '\n');
 */
export function flowSchemaForTypes(types: readonly NodeType<unknown>[]): JsonObject {
  const base = JSON.parse(JSON.stringify(flowSchema)) as JsonObject & {
    $defs: JsonObject & { node: JsonObject & { properties: JsonObject } };
  };
  if (types.length === 0) return base;
  const sorted = [...types].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const node = base.$defs.node;
  const typeProperty = node.properties['type'] as JsonObject;
  node.properties['type'] = { ...typeProperty, examples: sorted.map((t) => t.type) };
  node['allOf'] = sorted.map(branch);
  for (const t of sorted) base.$defs[configDefName(t.type)] = configDef(t, `#/$defs/${escapeToken(configDefName(t.type))}`);
  return base;
}
