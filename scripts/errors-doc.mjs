// Generates docs/errors.md from the error registries every package exports (`SDK_ERRORS`,
// `CORE_ERRORS`, `FLOW_PROBLEM_CODES`, `NODES_ERRORS`, …): the codes come from the imported
// registry object, the one-line meaning of each from the JSDoc comment on its key in the source.
//
//   npm run docs:errors          (builds, then writes docs/errors.md)
//
// test/docs/errors-doc.test.ts fails when docs/errors.md differs from what this renders.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The packages whose registries the page lists, in this order. A new package only needs its
 * name here: every export named `*_ERRORS` or `*_CODES` whose value maps each `ERR_…` code to
 * itself is picked up, and documented under the package whose source declares it (a package
 * that re-exports another's registry does not list it twice).
 */
export const PACKAGES = [
  '@waymark/sdk',
  '@waymark/access-token',
  '@waymark/core',
  '@waymark/nodes',
  '@waymark/testing',
  '@waymark/http',
  '@waymark/policy',
  '@waymark/redis',
  '@waymark/express',
  '@waymark/admin',
  '@waymark/gateway',
  '@waymark/mcp',
  '@waymark/oidc-provider',
  '@waymark/studio',
  '@waymark/openapi',
  '@waymark/import',
  '@waymark/cli',
];

export const DOC_FILE = join(ROOT, 'docs', 'errors.md');
export const REGENERATE = 'npm run docs:errors';

const REGISTRY_NAME = /^[A-Z][A-Z0-9_]*_(ERRORS|CODES)$/;
const CODE = /^ERR_[A-Z0-9_]+$/;

/** True for `{ ERR_X: 'ERR_X', … }`: a registry, not a table keyed by codes (`OAUTH_ERRORS`). */
function isRegistry(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([key, code]) => key === code && CODE.test(key));
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** One line of prose from a JSDoc comment: `{@link X}` as code, whitespace collapsed. */
function prose(text) {
  return text
    .replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`')
    .replace(/\s+/g, ' ')
    .trim();
}

function jsDocOf(node, sourceFile) {
  const ranges = ts.getLeadingCommentRanges(sourceFile.text, node.pos) ?? [];
  const doc = ranges.map((r) => sourceFile.text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**'));
  const last = doc[doc.length - 1];
  if (!last) return undefined;
  const body = last
    .slice(3, -2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n');
  // The first paragraph: the meaning. Tags (@example…) and later paragraphs stay in the source.
  return prose(body.split(/\n\s*\n|\n@/)[0] ?? '');
}

/** Finds `export const <name> = { … }` in a package's sources: the file, the registry's comment and each key's comment. */
function declaration(packageDir, name) {
  for (const file of sourceFiles(join(packageDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(name)) continue;
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const statement of sourceFile.statements) {
      if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || decl.name.text !== name || !decl.initializer) continue;
        let init = decl.initializer;
        while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
        if (!ts.isObjectLiteralExpression(init)) continue;
        const docs = new Map();
        for (const property of init.properties) {
          const key =
            property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
          if (key !== undefined) docs.set(key, jsDocOf(property, sourceFile));
        }
        return { file: relative(ROOT, file).split('\\').join('/'), summary: jsDocOf(statement, sourceFile), docs };
      }
    }
  }
  return undefined;
}

/**
 * Every package's registries: `[{ pkg, registries: [{ name, file, summary, codes: [{ code, meaning }] }] }]`.
 * `load` imports a package (the test passes jest's import, which maps to the sources). Throws
 * when a code has no comment or a code is declared by two registries.
 */
export async function collectRegistries(packages = PACKAGES, load = (name) => import(name)) {
  const seen = new Map();
  const out = [];
  for (const pkg of packages) {
    const mod = await load(pkg);
    const packageDir = join(ROOT, 'packages', pkg.slice(pkg.indexOf('/') + 1));
    const registries = [];
    for (const name of Object.keys(mod).sort()) {
      if (!REGISTRY_NAME.test(name) || !isRegistry(mod[name])) continue;
      const found = declaration(packageDir, name);
      if (!found) continue; // re-exported from the package that declares it
      const codes = Object.keys(mod[name]).map((code) => {
        const meaning = found.docs.get(code);
        if (!meaning) throw new Error(`${found.file}: ${name}.${code} has no /** comment */ saying what it means: add one line above it`);
        const owner = seen.get(code);
        if (owner) throw new Error(`${code} is declared twice, in ${owner} and in ${pkg} ${name}: a code has one home; remove one`);
        seen.set(code, `${pkg} ${name}`);
        return { code, meaning };
      });
      registries.push({ name, file: found.file, summary: found.summary, codes });
    }
    out.push({ pkg, registries });
  }
  return out;
}

const cell = (text) => text.replace(/\|/g, '\\|');

/** The Markdown page. */
export function renderErrorsDoc(collected) {
  const lines = [
    '# Error codes',
    '',
    `<!-- Generated from each package's error registry by scripts/errors-doc.mjs: do not edit; run \`${REGENERATE}\`. -->`,
    '',
    'Every code a Waymark package raises, with what it means. Errors are `WaymarkError`s (from',
    '`@waymark/sdk`) carrying the `code`, a message that names the field and the fix, and `details`;',
    'a published code is never reused. The HTTP packages map codes to answers; callers never see a',
    'stack. Each package lists its codes in one registry (`src/errors.ts`), exported from its entry.',
    '',
  ];
  for (const { pkg, registries } of collected) {
    lines.push(`## ${pkg}`, '');
    if (registries.length === 0) {
      lines.push('No codes of its own: it raises the codes of the packages it builds on.', '');
      continue;
    }
    for (const registry of registries) {
      lines.push(
        `### \`${registry.name}\``,
        '',
        `[${registry.file}](../${registry.file})${registry.summary ? `: ${registry.summary}` : ''}`,
        '',
      );
      lines.push('| code | meaning |', '| --- | --- |');
      for (const { code, meaning } of registry.codes) lines.push(`| \`${code}\` | ${cell(meaning)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(DOC_FILE, renderErrorsDoc(await collectRegistries()));
  process.stdout.write(`wrote ${relative(ROOT, DOC_FILE)}\n`);
}
