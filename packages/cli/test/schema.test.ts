import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineNodes } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { main } from '@waymark/cli';
import { run } from './helpers.js';

const published = new URL('../../core/schema/flow.schema.json', import.meta.url);

async function schemaOfBuiltins(): Promise<string> {
  let out = '';
  const code = await main(['schema'], { stdout: { write: (s: string) => (out += s) }, stderr: process.stderr, cwd: process.cwd() });
  expect(code).toBe(0);
  return out;
}

describe('waymark schema', () => {
  it('prints exactly the published @waymark/core/flow.schema.json for the built-in types (regenerate with WAYMARK_WRITE_SCHEMA=1 when this fails)', async () => {
    const text = await schemaOfBuiltins();
    // WAYMARK_WRITE_SCHEMA=1 npm test -- packages/cli/test/schema regenerates the published file.
    if (process.env['WAYMARK_WRITE_SCHEMA'] === '1') writeFileSync(published, text);
    expect(readFileSync(published, 'utf8')).toBe(text);
  });

  it('types the config of every built-in node type (core\'s flow.run included)', async () => {
    const schema = JSON.parse(await schemaOfBuiltins()) as {
      $defs: Record<string, unknown> & { node: { allOf: { if: { properties: { type: { const: string } } } }[] } };
    };
    const typed = schema.$defs.node.allOf.map((b) => b.if.properties.type.const);
    const builtins = [...engineNodes, ...builtinNodes];
    expect(typed).toEqual([...builtins.map((n) => n.type), 'page'].sort()); // page: the registry's own type
    for (const node of builtins) expect(schema.$defs[`config.${node.type}`]).toBeDefined();
  });

  it("adds the --plugin packages' types (here: the test registry's) and writes to --out", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-schema-'));
    const { code, stdout, plugins } = await run(['schema', '--plugin', '@acme/one', '--out', join(dir, 'flow.schema.json')]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(plugins).toEqual(['@acme/one']);
    const schema = JSON.parse(readFileSync(join(dir, 'flow.schema.json'), 'utf8')) as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs).filter((k) => k.startsWith('config.'))).toEqual([
      'config.page',
      'config.test.check',
      'config.test.gate',
    ]);
  });

  it('refuses a file argument with ERR_CLI_USAGE (exit 2) and an unwritable --out with ERR_CLI_FILE', async () => {
    const positional = await run(['schema', 'flow.schema.json']);
    expect(positional.code).toBe(2);
    expect(positional.stderr).toMatch(/ERR_CLI_USAGE: schema: takes no file argument .*--out <file>/);
    const unwritable = await run(['schema', '--out', '/nonexistent-dir/flow.schema.json']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/ERR_CLI_FILE: schema: cannot write \/nonexistent-dir\/flow\.schema\.json \(ENOENT\)/);
  });
});
