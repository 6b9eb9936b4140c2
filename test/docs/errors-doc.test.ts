import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { collectRegistries, DOC_FILE, PACKAGES, REGENERATE, renderErrorsDoc } from '../../scripts/errors-doc.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Codes used in a package's sources before their registry lands on this branch (declared by another branch). */
const DECLARED_ELSEWHERE = new Set(['ERR_INTERNAL']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('docs/errors.md', () => {
  it('is what scripts/errors-doc.mjs renders from the registries today', async () => {
    const expected = renderErrorsDoc(await collectRegistries());
    const actual = readFileSync(DOC_FILE, 'utf8');
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      const line = e.findIndex((text, i) => text !== a[i]);
      throw new Error(
        `docs/errors.md is out of date: run \`${REGENERATE}\` and commit the result.\n` +
          `First difference at line ${line + 1}:\n  file:     ${a[line] ?? '(end of file)'}\n  registry: ${e[line] ?? '(end of file)'}`,
      );
    }
  });

  it('lists every workspace package (a new package is added to PACKAGES in scripts/errors-doc.mjs)', () => {
    const dirs = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `@waymark/${d.name}`)
      .sort();
    expect([...PACKAGES].sort()).toEqual(dirs);
  });

  it('documents every ERR_ code the packages raise', async () => {
    const declared = new Set((await collectRegistries()).flatMap((p) => p.registries.flatMap((r) => r.codes.map((c) => c.code))));
    const undeclared: string[] = [];
    for (const pkg of PACKAGES) {
      const dir = join(ROOT, 'packages', pkg.slice('@waymark/'.length), 'src');
      for (const file of sources(dir))
        for (const [, code] of readFileSync(file, 'utf8').matchAll(/['"](ERR_[A-Z0-9_]+)['"]/g))
          if (!declared.has(code!) && !DECLARED_ELSEWHERE.has(code!)) undeclared.push(`${file.slice(ROOT.length)}: ${code}`);
    }
    expect(undeclared).toEqual([]);
  });
});

describe('scripts/errors-doc.mjs', () => {
  it('picks up every exported code registry, and no table keyed by codes', async () => {
    const collected = await collectRegistries(['@waymark/core', '@waymark/http', '@waymark/policy', '@waymark/redis']);
    expect(collected.map((p) => [p.pkg, p.registries.map((r) => r.name)])).toEqual([
      ['@waymark/core', ['CORE_ERRORS', 'FLOW_PROBLEM_CODES']],
      ['@waymark/http', ['HTTP_ERRORS']], // not ERROR_ANSWERS: it maps codes to answers
      ['@waymark/policy', ['POLICY_ERRORS']],
      ['@waymark/redis', []],
    ]);
    const core = collected[0]!.registries[0]!;
    expect(core.file).toBe('packages/core/src/errors.ts');
    expect(core.codes).toContainEqual({
      code: 'ERR_JOURNEY_CONFLICT',
      meaning: 'Another submit advanced this journey first (compare-and-set lost).',
    });
  });

  it('refuses a code declared by two registries', async () => {
    await expect(collectRegistries(['@waymark/sdk', '@waymark/sdk'])).rejects.toThrow(/ERR_NODE_DEFINITION is declared twice/);
  });

  it('documents a registry under the package that declares it, not under one that re-exports it', async () => {
    const reexporting = async (name: string) =>
      name === '@waymark/nodes'
        ? { ...(await import('@waymark/nodes')), SDK_ERRORS: (await import('@waymark/sdk')).SDK_ERRORS }
        : import(name);
    const collected = await collectRegistries(['@waymark/nodes'], reexporting);
    expect(collected[0]!.registries.map((r) => r.name)).toEqual(['NODES_ERRORS']);
  });
});
