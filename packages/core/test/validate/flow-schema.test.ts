import { describe, it, expect } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { flowSchema, FLOW_SCHEMA_ID } from '@waymark/core';

const file = new URL('../../schema/flow.schema.json', import.meta.url);
const rendered = JSON.stringify(flowSchema, null, 2) + '\n';

// WAYMARK_WRITE_SCHEMA=1 npm test -- packages/core/test/validate/flow-schema regenerates the file.
if (process.env['WAYMARK_WRITE_SCHEMA'] === '1') writeFileSync(file, rendered);

describe('the published flow schema', () => {
  it('schema/flow.schema.json is exactly the flowSchema const (regenerate with WAYMARK_WRITE_SCHEMA=1 when this fails)', () => {
    expect(readFileSync(file, 'utf8')).toBe(rendered);
  });

  it('is a valid draft 2020-12 schema with the published $id, usable by a plain ajv', () => {
    const ajv = new Ajv2020({ strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    expect(flowSchema.$id).toBe(FLOW_SCHEMA_ID);
    const sample = JSON.parse(readFileSync(new URL('../fixtures/valid/loop-with-exit.json', import.meta.url), 'utf8')) as unknown;
    expect(validate(sample)).toBe(true);
  });

  it('is exported by the core package as ./flow.schema.json and shipped in its files', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown>; files: string[] };
    expect(manifest.exports['./flow.schema.json']).toBe('./schema/flow.schema.json');
    expect(manifest.files).toContain('schema');
  });
});
