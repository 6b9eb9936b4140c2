import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * What the import-rules test reads: every workspace package under `packages/`, its dependency
 * lists and every import of its `src/**` TypeScript, parsed by the TypeScript compiler (so an
 * import in a comment, a JSDoc example or a template string is not one).
 */

/** One import of a source file. */
export interface Import {
  /** The module specifier as written (`@waymark/core`, `ajv/dist/2020.js`, `node:fs`, `./x.js`). */
  specifier: string;
  /** `import type` / `export type … from` / `import('x').T`: erased, nothing loads at run time. */
  typeOnly: boolean;
  /** How it is written: a static import, an `export … from`, a dynamic `import()` or a `require()`. */
  kind: 'import' | 'export' | 'dynamic' | 'require';
  /** 1-based. */
  line: number;
}

/** A workspace package, as the rules see it. */
export interface PackageScan {
  /** `@waymark/core`. */
  name: string;
  /** `packages/core`, relative to the repository root, `/`-separated. */
  dir: string;
  /** Its run-time dependency lists (dependencies, peerDependencies, optionalDependencies). */
  dependencies: { list: string; name: string }[];
  /** Every import of every `src/**\/*.ts` file, by file (`packages/core/src/x.ts`). */
  files: { file: string; imports: Import[] }[];
}

const RUNTIME_LISTS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;
const BUILTINS = new Set(builtinModules);

/** Every import of one TypeScript source. Declaration files (`.d.ts`) only have type imports. */
export function importsOf(source: string, fileName = 'file.ts'): Import[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declarationFile = fileName.endsWith('.d.ts');
  const found: Import[] = [];
  const add = (literal: ts.Expression, typeOnly: boolean, kind: Import['kind']) => {
    if (!ts.isStringLiteralLike(literal)) return; // import(variable): a plugin loaded by name, not a package edge
    const line = sf.getLineAndCharacterOfPosition(literal.getStart(sf)).line + 1;
    found.push({ specifier: literal.text, typeOnly: typeOnly || declarationFile, kind, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      // `import { type A } from 'x'` is NOT erased under verbatimModuleSyntax (it becomes
      // `import {} from 'x'` and still loads x); only `import type { A }` is.
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false, 'import');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly, 'export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly, 'require');
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal as ts.Expression, true, 'dynamic');
    } else if (ts.isCallExpression(node) && node.arguments[0]) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false, 'dynamic');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node.arguments[0], false, 'require');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** What a specifier names: a relative path, a node builtin, or a package (its name, without a subpath). */
export function targetOf(specifier: string): { kind: 'relative' } | { kind: 'builtin' } | { kind: 'package'; name: string } {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return { kind: 'relative' };
  if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return { kind: 'builtin' };
  const parts = specifier.split('/');
  return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

/** True when a relative specifier of `file` resolves outside the package directory `dir` (both repo-relative). */
export function leavesPackage(root: string, dir: string, file: string, specifier: string): boolean {
  const target = resolve(root, file, '..', specifier);
  const inside = relative(resolve(root, dir), target);
  return inside.startsWith('..') || isAbsolute(inside);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') || entry.endsWith('.mts') || entry.endsWith('.cts')) out.push(path);
  }
  return out.sort();
}

/** Reads every `packages/*` that has a package.json and a `src` folder. */
export function scanPackages(root: string): PackageScan[] {
  const scans: PackageScan[] = [];
  for (const entry of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', entry);
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // not a package (yet)
    }
    const dependencies = RUNTIME_LISTS.flatMap((list) =>
      Object.keys((manifest[list] as Record<string, string> | undefined) ?? {}).map((name) => ({ list, name })),
    );
    let files: string[] = [];
    try {
      files = sourceFiles(join(dir, 'src'));
    } catch {
      files = [];
    }
    scans.push({
      name: manifest.name as string,
      dir: relative(root, dir).split(sep).join('/'),
      dependencies,
      files: files.map((path) => ({
        file: relative(root, path).split(sep).join('/'),
        imports: importsOf(readFileSync(path, 'utf8'), path),
      })),
    });
  }
  return scans;
}
