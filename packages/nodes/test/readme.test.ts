import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import { compileNodeConfig } from '@waymark/core/internal';
import { builtinNodes } from '@waymark/nodes';
import type { NodeType } from '@waymark/sdk';

/*
 * packages/nodes/README.md is the reference people read for each built-in node: its section
 * (### `type`), its Outcomes line and its config table. This test holds them to the code so
 * they cannot drift: every built-in type has a section and no section names a type that is
 * gone; the Outcomes line lists exactly the declared outcomes (for outcomes computed from the
 * config: the ones every config has, then a note); the table lists exactly the schema's
 * top-level properties, marks the required ones "required", and shows each default as JSON.
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Valid configs for the types whose outcomes are a function of the config: the outcomes every one of them has are the static ones. */
const OUTCOME_EXAMPLES: Record<string, unknown[]> = {
  decision: [
    { rules: [{ when: { exists: 'state.a' }, outcome: 'a' }], default: 'b' },
    { rules: [{ when: { exists: 'state.c' }, outcome: 'c' }], default: 'd' },
  ],
  expression: [
    { rules: [{ when: 'state.a == 1', outcome: 'a' }], default: 'b' },
    { rules: [{ when: 'state.c == 1', outcome: 'c' }], default: 'd' },
  ],
  message: [{ message: 'hello' }, { message: 'choose', options: ['yes', 'no'] }],
  'risk.evaluate': [{}, { recommendedActions: ['BOT_MITIGATION', 'DENY'] }],
  'idp.select': [{ providers: [{ provider: 'google' }] }, { providers: [{ provider: 'local' }] }],
};

interface JsonSchemaNode {
  type?: unknown;
  default?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchemaNode>;
}

interface Row {
  /** Backticked keys of the first cell (`a`, `b.c`, `d.{e,f}`). */
  keys: string[];
  defaultCell: string;
}

interface Section {
  type: string;
  outcomesLine: string | undefined;
  rows: Row[];
}

function backticked(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}

/** Splits a markdown table row into cells, honouring `\|` inside a cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function parseSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const parts = markdown.split(/^### /m).slice(1);
  for (const part of parts) {
    const heading = /^`([^`]+)`\s*$/m.exec(part.split('\n')[0] ?? '');
    if (!heading?.[1]) continue;
    const lines = part.split('\n');
    const outcomesLine = lines.find((l) => l.startsWith('Outcomes:'));
    const tableStart = lines.findIndex((l) => /^\| key \| type \| default \| meaning \|/.test(l));
    const rows: Row[] = [];
    if (tableStart !== -1) {
      for (const line of lines.slice(tableStart + 2)) {
        if (!line.startsWith('|')) break;
        const [key = '', , defaultCell = ''] = cells(line);
        rows.push({ keys: backticked(key), defaultCell });
      }
    }
    sections.push({ type: heading[1], outcomesLine, rows });
  }
  return sections;
}

const sections = parseSections(README);
const byType = new Map(sections.map((s) => [s.type, s]));

function section(type: string): Section {
  const s = byType.get(type);
  if (!s) throw new Error(`packages/nodes/README.md has no "### \`${type}\`" section: add one with its Outcomes line and config table`);
  return s;
}

/** The outcomes every config has: the static list, or the intersection over the examples. */
function staticOutcomes(node: NodeType<unknown>): { outcomes: string[]; computed: boolean } {
  if (Array.isArray(node.outcomes)) return { outcomes: [...(node.outcomes as string[])], computed: false };
  const examples = OUTCOME_EXAMPLES[node.type];
  if (!examples) throw new Error(`${node.type} computes its outcomes from its config: add example configs to OUTCOME_EXAMPLES`);
  const outcomesOf = node.outcomes as (config: unknown) => readonly string[];
  const lists = examples.map((c) => outcomesOf(compileNodeConfig(node, c)));
  return { outcomes: (lists[0] ?? []).filter((o) => lists.every((l) => l.includes(o))), computed: true };
}

/** The outcomes a README line lists before its note ("plus …", "from config …", "or …"). */
function listedOutcomes(line: string): { outcomes: string[]; note: boolean } {
  const text = line.replace(/^Outcomes:\s*/, '');
  const noteAt = text.search(/\bplus\b|\bfrom config\b|—/);
  const listed = noteAt === -1 ? text : text.slice(0, noteAt);
  return { outcomes: backticked(listed), note: noteAt !== -1 };
}

function schemaAt(schema: JsonSchemaNode, path: string[]): { node: JsonSchemaNode | undefined; parent: JsonSchemaNode } {
  let parent = schema;
  let node: JsonSchemaNode | undefined = schema;
  for (const key of path) {
    parent = node ?? {};
    node = parent.properties?.[key];
  }
  return { node, parent };
}

/** The default a cell shows: its first backticked JSON value, else undefined ("—", "required", prose). */
function shownDefault(cell: string): { shown: boolean; value?: unknown } {
  if (/^(—|-|required)/.test(cell)) return { shown: false };
  const first = backticked(cell)[0];
  if (first === undefined) return { shown: false };
  try {
    return { shown: true, value: JSON.parse(first) as unknown };
  } catch {
    return { shown: true, value: first };
  }
}

describe('packages/nodes/README.md against the built-in node types', () => {
  it('has a "### `type`" section for every built-in type, and none for a type that does not exist', () => {
    const types = builtinNodes.map((n) => n.type).sort();
    const documented = sections.map((s) => s.type).sort();
    expect(documented).toEqual(types);
  });

  describe.each(builtinNodes.map((n) => [n.type, n] as const))('%s', (type, node) => {
    it('has an Outcomes line listing exactly the declared outcomes (computed ones: the fixed ones, then a note)', () => {
      const line = section(type).outcomesLine;
      expect(line).toBeDefined();
      const expected = staticOutcomes(node);
      const listed = listedOutcomes(line ?? '');
      expect(listed.outcomes).toEqual(expected.outcomes);
      expect(listed.note).toBe(expected.computed);
    });

    it('has a config table with exactly the schema top-level properties', () => {
      const schema = node.config as JsonSchemaNode;
      const topLevel = new Set(section(type).rows.flatMap((r) => r.keys.filter((k) => !k.startsWith('.')).map((k) => k.split('.')[0] ?? k)));
      expect([...topLevel].sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
    });

    it('shows each documented default as the schema has it, and "required" exactly for required top-level keys', () => {
      const schema = node.config as JsonSchemaNode;
      const mismatches: string[] = [];
      for (const row of section(type).rows) {
        // Rows that sum up several keys (`a`, `b` | as `x`; `t.{a,b}`; `t.a` / `.b`) are prose.
        if (row.keys.length !== 1) continue;
        const key = row.keys[0] ?? '';
        if (/[{}]/.test(key)) continue;
        const path = key.split('.');
        const { node: property, parent } = schemaAt(schema, path);
        if (!property) {
          mismatches.push(`${key}: not in the schema`);
          continue;
        }
        const cell = shownDefault(row.defaultCell);
        if (property.default !== undefined && !(cell.shown && JSON.stringify(cell.value) === JSON.stringify(property.default)))
          mismatches.push(`${key}: README shows "${row.defaultCell}", schema default is ${JSON.stringify(property.default)}`);
        if (property.default === undefined && cell.shown) mismatches.push(`${key}: README shows a default "${row.defaultCell}", the schema has none`);
        if (path.length === 1) {
          const required = (parent.required ?? []).includes(key);
          if (required !== row.defaultCell.startsWith('required'))
            mismatches.push(`${key}: schema says ${required ? 'required' : 'optional'}, README says "${row.defaultCell}"`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
