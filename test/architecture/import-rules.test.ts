import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { importsOf, leavesPackage, scanPackages, targetOf, type PackageScan } from './imports.js';

/**
 * The package boundaries of the design (DESIGN.md, "Packages"), enforced: every import of every
 * `packages/*\/src/**\/*.ts` (static, `export … from`, dynamic `import()`, `require()`) and every
 * run-time dependency list of `packages/*\/package.json` is checked against the table below. A
 * package that does not exist yet is simply absent from the scan; a package without a row gets
 * only the rules that hold for everyone (ONLY_THE_CLI, CLI and DECLARED below). A breach fails
 * the test naming the file, the line, the import and the rule.
 */

interface Rule {
  /** The Waymark packages it may import (run time or type) and list as a dependency. */
  waymark: readonly string[];
  /** The third-party packages it may import at run time: a list, or `declared` (its own package.json dependencies). `import type` is free. */
  libraries: readonly string[] | 'declared';
  /** Never, not even a type or a dependency entry. */
  never?: readonly string[];
  /** Said with every breach. */
  why: string;
}

/** HTTP frameworks, servers and Redis: what `core` never touches (DESIGN: "nothing HTTP"). */
const HTTP_AND_REDIS = [
  'express',
  'koa',
  '@koa/router',
  'fastify',
  '@hapi/hapi',
  'restify',
  'oidc-provider',
  'ioredis',
  'node:http',
  'node:https',
  'node:http2',
];

const RULES: Readonly<Record<string, Rule>> = {
  '@waymark/sdk': { waymark: [], libraries: [], why: 'the SDK imports no package at run time (node builtins only; `import type` is fine)' },
  '@waymark/access-token': {
    waymark: ['@waymark/sdk'],
    libraries: ['jose'],
    why: '@waymark/access-token builds on @waymark/sdk and jose only',
  },
  '@waymark/core': {
    waymark: ['@waymark/sdk'],
    libraries: 'declared',
    never: [...HTTP_AND_REDIS, '@waymark/nodes'],
    why: 'core imports @waymark/sdk and its own libraries; never an HTTP framework, ioredis or a node type',
  },
  '@waymark/nodes': {
    waymark: ['@waymark/sdk', '@waymark/access-token'],
    libraries: 'declared',
    why: 'node types import @waymark/sdk and @waymark/access-token only among Waymark packages',
  },
  // rate-limiter-flexible: the one limiter of every limit in Waymark (issue 13), with memory and Redis backends.
  '@waymark/http': {
    waymark: ['@waymark/sdk'],
    libraries: ['rate-limiter-flexible'],
    why: '@waymark/http builds on @waymark/sdk (and the rate limiter library) only',
  },
  '@waymark/policy': {
    waymark: ['@waymark/sdk', '@waymark/core', '@waymark/access-token'],
    libraries: 'declared',
    why: '@waymark/policy builds on @waymark/sdk, @waymark/core and @waymark/access-token',
  },
  // express: the library, for its Router (never @waymark/express: the client check is passed in by the CLI).
  '@waymark/admin': {
    waymark: ['@waymark/sdk', '@waymark/core', '@waymark/access-token', '@waymark/http'],
    libraries: ['express'],
    why: '@waymark/admin builds on @waymark/sdk, @waymark/core, @waymark/access-token, @waymark/http and express',
  },
  // An admin API client: it reaches flows and clients over HTTP, never through the stores or the adapter.
  '@waymark/mcp': {
    waymark: ['@waymark/sdk', '@waymark/core', '@waymark/nodes', '@waymark/access-token'],
    libraries: ['@modelcontextprotocol/sdk', 'zod', 'express'],
    why: '@waymark/mcp builds on @waymark/sdk, @waymark/core, @waymark/nodes (the simulator), @waymark/access-token, the MCP SDK, zod and express',
  },
  // The reference describes every HTTP package; what it needs of @waymark/express (the client schema) the CLI passes in.
  '@waymark/openapi': {
    waymark: ['@waymark/sdk', '@waymark/core', '@waymark/http', '@waymark/policy'],
    libraries: ['express', 'swagger-ui-dist', 'ajv', 'ajv-formats'],
    why: '@waymark/openapi builds on @waymark/sdk, @waymark/core, @waymark/http and @waymark/policy (schemas and error tables), express, swagger-ui-dist and ajv',
  },
  // The importer reads export files and writes nothing itself (the CLI writes): no HTTP, no store, never the CLI.
  '@waymark/import': {
    waymark: ['@waymark/sdk', '@waymark/core'],
    libraries: 'declared',
    never: [...HTTP_AND_REDIS, '@waymark/express', '@waymark/cli'],
    why: '@waymark/import builds on @waymark/sdk and @waymark/core only (never express, the CLI, HTTP or Redis)',
  },
  '@waymark/testing': {
    waymark: ['@waymark/sdk', '@waymark/core'],
    libraries: 'declared',
    why: '@waymark/testing builds on @waymark/sdk and @waymark/core',
  },
};
/** For everyone: only the CLI (and examples/*, which are not under packages/) imports these. */
const ONLY_THE_CLI = ['@waymark/express', '@waymark/redis'];
const CLI = '@waymark/cli';
/** For everyone: a run-time import of a package is a declared dependency (else it works only while npm hoists it). */
const DECLARED = 'a run-time import names a dependency of the package.json';

/**
 * Breaches that exist on this branch and are being removed by another branch; each entry is an
 * edge (every import and dependency entry from → to). The lead empties this list at merge.
 */
const KNOWN_VIOLATIONS: readonly { from: string; to: string }[] = [];

interface Violation {
  from: string;
  to: string;
  /** `packages/x/src/y.ts:12` or `packages/x/package.json`. */
  where: string;
  /** `import '…'`, `export … from '…'`, `import('…')` or `dependencies: …`. */
  what: string;
  why: string;
}

const format = (v: Violation) => `${v.where}: ${v.what} — ${v.why}`;

/** Normalises builtins to `node:x` so a never-list can name them once. */
const builtinName = (specifier: string) => (specifier.startsWith('node:') ? specifier : `node:${specifier}`);

/** Every breach of the table by the scanned packages, in file order. */
function violationsOf(root: string, scans: readonly PackageScan[]): Violation[] {
  const out: Violation[] = [];
  for (const pkg of scans) {
    const rule = RULES[pkg.name];
    const declared = new Set(pkg.dependencies.map((d) => d.name));
    /* The rules every edge obeys, whether it is an import or a dependency entry. */
    const edgeBreach = (to: string, typeOnly: boolean, asDependency: boolean): string | undefined => {
      if (to === pkg.name) return undefined;
      if (ONLY_THE_CLI.includes(to) && pkg.name !== CLI) return `only ${CLI} and examples/* may import ${to}`;
      if (to === CLI) return `nothing under packages/ imports ${CLI}: it sits on top of everything`;
      if (rule?.never?.includes(to)) return rule.why;
      if (to.startsWith('node:')) return undefined; // builtins are free unless a never-list names them
      const waymark = to.startsWith('@waymark/');
      if (waymark && rule && !rule.waymark.includes(to)) return rule.why;
      if (typeOnly) return undefined;
      if (!waymark && rule && Array.isArray(rule.libraries) && !rule.libraries.includes(to)) return rule.why;
      if (!asDependency && !declared.has(to)) return `${DECLARED} (add ${to} to ${pkg.dir}/package.json)`;
      return undefined;
    };
    for (const dependency of pkg.dependencies) {
      const why = edgeBreach(dependency.name, false, true);
      if (why)
        out.push({
          from: pkg.name,
          to: dependency.name,
          where: `${pkg.dir}/package.json`,
          what: `${dependency.list}: ${dependency.name}`,
          why,
        });
    }
    for (const { file, imports } of pkg.files) {
      for (const i of imports) {
        const what =
          i.kind === 'dynamic'
            ? `import('${i.specifier}')`
            : i.kind === 'export'
              ? `export … from '${i.specifier}'`
              : i.kind === 'require'
                ? `require('${i.specifier}')`
                : `import${i.typeOnly ? ' type' : ''} '${i.specifier}'`;
        const where = `${file}:${i.line}`;
        const target = targetOf(i.specifier);
        if (target.kind === 'relative') {
          if (leavesPackage(root, pkg.dir, file, i.specifier))
            out.push({
              from: pkg.name,
              to: i.specifier,
              where,
              what,
              why: `reaches out of ${pkg.dir} by path: import the other package by name`,
            });
          continue;
        }
        const to = target.kind === 'builtin' ? builtinName(i.specifier) : target.name;
        const why = edgeBreach(to, i.typeOnly, false);
        if (why) out.push({ from: pkg.name, to, where, what, why });
      }
    }
  }
  return out;
}

const isKnown = (v: Violation) => KNOWN_VIOLATIONS.some((k) => k.from === v.from && k.to === v.to);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scans = scanPackages(ROOT);
const found = violationsOf(ROOT, scans);

describe('package import rules (DESIGN.md "Packages")', () => {
  it('every package imports and depends on only what its row of the table allows', () => {
    expect(found.filter((v) => !isKnown(v)).map(format)).toEqual([]);
  });

  it('KNOWN_VIOLATIONS lists only breaches that still exist (else: remove the entry)', () => {
    const stale = KNOWN_VIOLATIONS.filter((k) => !found.some((v) => v.from === k.from && v.to === k.to)).map(
      (k) =>
        `${k.from} → ${k.to} is no longer imported or listed: remove it from KNOWN_VIOLATIONS in test/architecture/import-rules.test.ts`,
    );
    expect(stale).toEqual([]);
  });

  it('scans every package, its dependency lists and its imports (a scan that finds nothing proves nothing)', () => {
    const names = scans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '@waymark/sdk',
        '@waymark/core',
        '@waymark/nodes',
        '@waymark/testing',
        '@waymark/express',
        '@waymark/admin',
        '@waymark/cli',
      ]),
    );
    const core = scans.find((s) => s.name === '@waymark/core')!;
    expect(core.dependencies).toContainEqual({ list: 'dependencies', name: 'xstate' });
    expect(core.files.flatMap((f) => f.imports.map((i) => i.specifier))).toEqual(expect.arrayContaining(['xstate', '@waymark/sdk']));
    expect(scans.every((s) => s.files.length > 0)).toBe(true);
  });
});

describe('the import scanner', () => {
  it('reads static imports, export … from, dynamic import() and require(), telling type-only ones apart; comments and strings are not imports', () => {
    const source = [
      "import { a } from '@waymark/core';",
      "import type { B } from 'express';",
      "import { type C } from 'ioredis';", // kept by verbatimModuleSyntax as `import {} from 'ioredis'`: run time
      "import 'side-effect';",
      "export { d } from 'ajv/dist/2020.js';",
      "export type { E } from '@waymark/express';",
      "export * from './local.js';",
      "const f = await import('@waymark/nodes');",
      'const g = import(someVariable);',
      "type H = import('oidc-provider').Provider;",
      "// import { x } from 'in-a-comment';",
      "/** @example import { y } from 'in-jsdoc'; */",
      "const template = `import { z } from 'in-a-string'`;",
    ].join('\n');
    expect(importsOf(source).map(({ specifier, typeOnly, kind, line }) => [specifier, typeOnly, kind, line])).toEqual([
      ['@waymark/core', false, 'import', 1],
      ['express', true, 'import', 2],
      ['ioredis', false, 'import', 3],
      ['side-effect', false, 'import', 4],
      ['ajv/dist/2020.js', false, 'export', 5],
      ['@waymark/express', true, 'export', 6],
      ['./local.js', false, 'export', 7],
      ['@waymark/nodes', false, 'dynamic', 8],
      ['oidc-provider', true, 'dynamic', 10],
    ]);
  });

  it('names packages without their subpath, and builtins as builtins', () => {
    expect(targetOf('ajv/dist/2020.js')).toEqual({ kind: 'package', name: 'ajv' });
    expect(targetOf('@ip-location-db/geo-whois-asn-country-mmdb/x.mmdb')).toEqual({
      kind: 'package',
      name: '@ip-location-db/geo-whois-asn-country-mmdb',
    });
    expect(targetOf('node:fs/promises')).toEqual({ kind: 'builtin' });
    expect(targetOf('crypto')).toEqual({ kind: 'builtin' });
    expect(targetOf('../lib/x.js')).toEqual({ kind: 'relative' });
  });

  it('names the file, the line, the import and the rule for each breach', () => {
    const scan = (name: string, dir: string, source: string, dependencies: PackageScan['dependencies'] = []): PackageScan => ({
      name,
      dir,
      dependencies,
      files: [{ file: `${dir}/src/index.ts`, imports: importsOf(source) }],
    });
    const breaches = violationsOf(ROOT, [
      scan(
        '@waymark/sdk',
        'packages/sdk',
        "import type { JWK } from 'jose';\nimport { jwtVerify } from 'jose';\nimport { isIP } from 'node:net';",
      ),
      scan('@waymark/http', 'packages/http', "import { isIP } from 'net';\nimport { createServer } from 'node:http';"),
      scan(
        '@waymark/core',
        'packages/core',
        "import type { Request } from 'express';\nconst n = await import('@waymark/nodes');\nexport { x } from '../../express/src/x.js';\nimport { createServer } from 'http';",
        [{ list: 'dependencies', name: 'ioredis' }],
      ),
      scan('@waymark/nodes', 'packages/nodes', "import { createEngine } from '@waymark/core';\nimport { a } from 'undeclared-lib';"),
      scan('@waymark/testing', 'packages/testing', "import { createMemoryStores } from '@waymark/core';", [
        { list: 'dependencies', name: '@waymark/core' },
        { list: 'dependencies', name: '@waymark/redis' },
      ]),
      scan(
        '@waymark/oidc-provider',
        'packages/oidc-provider',
        "import { layout } from '@waymark/express';\nimport { main } from '@waymark/cli';",
      ),
      scan(
        '@waymark/cli',
        'packages/cli',
        "import { createRedisStores } from '@waymark/redis';\nimport { x } from '@waymark/express';\nimport type { Stores } from '@waymark/sdk';",
        [{ list: 'dependencies', name: '@waymark/express' }],
      ),
    ]).map(format);
    expect(breaches).toEqual([
      `packages/sdk/src/index.ts:2: import 'jose' — ${RULES['@waymark/sdk']!.why}`,
      `packages/core/package.json: dependencies: ioredis — ${RULES['@waymark/core']!.why}`,
      `packages/core/src/index.ts:1: import type 'express' — ${RULES['@waymark/core']!.why}`,
      `packages/core/src/index.ts:2: import('@waymark/nodes') — ${RULES['@waymark/core']!.why}`,
      "packages/core/src/index.ts:3: export … from '../../express/src/x.js' — reaches out of packages/core by path: import the other package by name",
      `packages/core/src/index.ts:4: import 'http' — ${RULES['@waymark/core']!.why}`,
      `packages/nodes/src/index.ts:1: import '@waymark/core' — ${RULES['@waymark/nodes']!.why}`,
      `packages/nodes/src/index.ts:2: import 'undeclared-lib' — ${DECLARED} (add undeclared-lib to packages/nodes/package.json)`,
      'packages/testing/package.json: dependencies: @waymark/redis — only @waymark/cli and examples/* may import @waymark/redis',
      "packages/oidc-provider/src/index.ts:1: import '@waymark/express' — only @waymark/cli and examples/* may import @waymark/express",
      "packages/oidc-provider/src/index.ts:2: import '@waymark/cli' — nothing under packages/ imports @waymark/cli: it sits on top of everything",
      `packages/cli/src/index.ts:1: import '@waymark/redis' — ${DECLARED} (add @waymark/redis to packages/cli/package.json)`,
    ]);
  });
});
