import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { defineNode, type NodeType } from '@waymark/sdk';
import { flowSchema, flowSchemaForTypes, FLOW_SCHEMA_ID } from '@waymark/core';
import { check, choose, gate } from './test-nodes.js';

const file = new URL('../../schema/flow.schema.json', import.meta.url);
const published = JSON.parse(readFileSync(file, 'utf8')) as {
  $defs: Record<string, unknown> & { node: Record<string, unknown> & { properties: Record<string, Record<string, unknown>> } };
};

/** A plain ajv as an editor or a CI check would use it: draft 2020-12, formats, strict about keywords. */
function plainAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
  });
  formats.default(ajv);
  return ajv;
}

/** The published file without what `waymark schema` adds per node type. */
function untyped(schema: typeof published): unknown {
  const copy = structuredClone(schema);
  for (const key of Object.keys(copy.$defs)) if (key.startsWith('config.')) delete copy.$defs[key];
  delete copy.$defs.node['allOf'];
  delete copy.$defs.node.properties['type']?.['examples'];
  return copy;
}

const flow = (nodes: Record<string, unknown>): unknown => ({
  id: 'typed',
  version: 1,
  description: 'd',
  start: Object.keys(nodes)[0],
  nodes,
});

describe('the published flow schema', () => {
  it('schema/flow.schema.json is the flowSchema const plus the built-in node types (written by `waymark schema`, checked in packages/cli/test/schema.test.ts)', () => {
    expect(untyped(published)).toEqual(flowSchema);
    expect(published.$defs.node['allOf']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ if: { properties: { type: { const: 'credentials.collect' } }, required: ['type'] } }),
      ]),
    );
  });

  it('is a valid draft 2020-12 schema with the published $id, usable by a plain ajv', () => {
    const validate = plainAjv().compile(published);
    expect(flowSchema.$id).toBe(FLOW_SCHEMA_ID);
    const sample = JSON.parse(readFileSync(new URL('../fixtures/valid/loop-with-exit.json', import.meta.url), 'utf8')) as unknown;
    expect(validate(sample)).toBe(true);
  });

  it('is exported by the core package as ./flow.schema.json and shipped in its files', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    expect(manifest.exports['./flow.schema.json']).toBe('./schema/flow.schema.json');
    expect(manifest.files).toContain('schema');
  });
});

describe('flowSchemaForTypes', () => {
  it('is flowSchema itself without node types', () => {
    expect(flowSchemaForTypes([])).toEqual(flowSchema);
  });

  it("types a node's config by its type (if/then), so an editor flags a bad config and completes the keys", () => {
    const schema = flowSchemaForTypes([check, gate] as NodeType<unknown>[]);
    const validate = plainAjv().compile(schema);
    expect(
      validate(
        flow({
          c: {
            type: 'test.check',
            config: { issuer: 'https://as.example', leeway: 5 },
            outcomes: { valid: 'success', invalid: 'failure' },
          },
        }),
      ),
    ).toBe(true);
    expect(
      validate(
        flow({
          c: { type: 'test.check', config: { issuer: 'https://as.example', leewy: 5 }, outcomes: { valid: 'success', invalid: 'failure' } },
        }),
      ),
    ).toBe(false);
    expect(validate.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          instancePath: '/nodes/c/config',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'leewy' },
        }),
      ]),
    );
    const defs = schema['$defs'] as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(defs['config.test.check']?.properties ?? {})).toEqual(['issuer', 'leeway']);
  });

  it('types a fixed list of outcomes (declared ones required, error and timeout allowed) and leaves computed ones free', () => {
    const validate = plainAjv().compile(flowSchemaForTypes([gate, choose] as NodeType<unknown>[]));
    expect(validate(flow({ g: { type: 'test.gate', outcomes: { pass: 'success', block: 'failure', error: 'failure' } } }))).toBe(true);
    expect(validate(flow({ g: { type: 'test.gate', outcomes: { pass: 'success', blok: 'failure' } } }))).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword])).toEqual(
      expect.arrayContaining([
        ['/nodes/g/outcomes', 'required'],
        ['/nodes/g/outcomes', 'propertyNames'],
      ]),
    );
    expect(validate(flow({ c: { type: 'test.choose', config: { options: ['x'] }, outcomes: { x: 'success' } } }))).toBe(true);
  });

  it('leaves a type it was not given untyped (a plugin type stays valid)', () => {
    const validate = plainAjv().compile(flowSchemaForTypes([gate] as NodeType<unknown>[]));
    expect(validate(flow({ p: { type: 'acme.geofence', config: { anything: 1 }, outcomes: { inside: 'success' } } }))).toBe(true);
  });

  it("keeps a config schema's own $defs working where it is moved ($ref rebased)", () => {
    const nested = defineNode({
      type: 'test.nested',
      version: 1,
      description: 'Has a recursive config.',
      config: {
        type: 'object',
        properties: { rule: { $ref: '#/$defs/rule' } },
        $defs: {
          rule: { type: 'object', additionalProperties: false, properties: { not: { $ref: '#/$defs/rule' }, is: { type: 'string' } } },
        },
      },
      outcomes: ['done'],
      run: () => 'done',
    });
    const validate = plainAjv().compile(flowSchemaForTypes([nested as NodeType<unknown>]));
    expect(validate(flow({ n: { type: 'test.nested', config: { rule: { not: { is: 'x' } } }, outcomes: { done: 'success' } } }))).toBe(
      true,
    );
    expect(validate(flow({ n: { type: 'test.nested', config: { rule: { not: { iss: 'x' } } }, outcomes: { done: 'success' } } }))).toBe(
      false,
    );
  });
});
