/**
 * The files `waymark new-node` writes, as functions of the names. Plain template strings, not
 * files read at run time, so the command works the same from `src` (tests) and `dist`.
 */

export interface NodeNames {
  /** The npm package name: `@acme/waymark-geofence`. */
  packageName: string;
  /** The node type: `acme.geofence`. */
  type: string;
  /** The type's last segment, kebab-case: the file name (`geofence`). */
  file: string;
  /** The exported constant (`geofence`). */
  identifier: string;
  /** The @waymark/sdk range the package peer-depends on. */
  sdkRange: string;
  /**
   * From a clone: package name → `file:vendor/<tarball>` of the clone's @waymark/sdk, core and
   * testing (not on the npm registry). Absent: the published packages, by `sdkRange`.
   */
  vendored?: Readonly<Record<string, string>>;
  /**
   * From `--from-placeholder`: the imported placeholder this node replaces. The scaffold declares
   * its outcomes and says where it came from; its `run` throws until written.
   */
  placeholder?: PlaceholderOrigin;
}

/** What `waymark new-node --from-placeholder <flow.json>#<nodeId>` reads from an import.placeholder node. */
export interface PlaceholderOrigin {
  flowFile: string;
  nodeId: string;
  outcomes: readonly string[];
  source: { format: string; type: string; id: string };
  reason: string;
  suggestion?: string;
}

const js = (value: unknown) => JSON.stringify(value);
const comment = (text: string) => text.replace(/\*\//g, '* /');

function placeholderNodeTs(n: NodeNames, p: PlaceholderOrigin): string {
  return `import { defineNode } from '@waymark/sdk';

/** The node's config, as a flow holds it: add what the node needs. */
const config = {
  type: 'object',
  additionalProperties: false,
  properties: {},
} as const;

/**
 * ${n.type}: replaces the imported placeholder "${p.nodeId}" of ${comment(p.flowFile)}, which stood for the
 * ${comment(p.source.format)} node ${comment(p.source.type)} (${comment(p.source.id)}).
 * Why it was not mapped: ${comment(p.reason)}.${p.suggestion ? `\n * Suggested: ${comment(p.suggestion)}.` : ''}
 *
 * It keeps the source node's outcomes, so the flow's wiring stays as imported: set
 * "type": "${n.type}" on the node. Until \`run\` is written it throws.
 */
export const ${n.identifier} = defineNode({
  type: '${n.type}',
  version: 1,
  description: ${js(`Replaces the imported ${p.source.type} node.`)},
  config,
  outcomes: ${js(p.outcomes)},
  run() {
    throw new Error(${js(`${n.type}: not written yet (ported from ${p.source.format} ${p.source.type})`)});
  },
});
`;
}

function placeholderTestTs(n: NodeNames, p: PlaceholderOrigin): string {
  return `import { describe, expect, it } from '@jest/globals';
import { testNodeConfigs } from '@waymark/testing';
import { ${n.identifier} } from '../src/index.js';

describe('${n.type}', () => {
  it('declares the outcomes of the imported ${p.source.type} node', () => {
    expect(${n.identifier}.outcomes).toEqual(${js(p.outcomes)});
  });
});

testNodeConfigs(${n.identifier}, { valid: [{}], invalid: [{ config: { colour: 'red' }, message: 'unknown key "colour"' }] }, { describe, it });
`;
}

/** The development copies of the @waymark packages: the vendored tarballs, else the published range. */
function waymarkDevDependencies(n: NodeNames): Record<string, string> {
  if (n.vendored === undefined) return { '@waymark/sdk': n.sdkRange, '@waymark/testing': n.sdkRange };
  // @waymark/core too: @waymark/testing depends on it, and only the tarball satisfies that without the registry.
  return Object.fromEntries(Object.entries(n.vendored).sort(([a], [b]) => a.localeCompare(b)));
}

export function packageJson(n: NodeNames): string {
  const manifest = {
    name: n.packageName,
    version: '0.1.0',
    description: `Waymark node type ${n.type}.`,
    keywords: ['waymark', 'waymark-plugin'],
    type: 'module',
    engines: { node: '^22.12.0 || ^24.0.0' },
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist', 'README.md'],
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'NODE_OPTIONS=--experimental-vm-modules jest',
      prepack: 'npm run build',
    },
    peerDependencies: { '@waymark/sdk': n.sdkRange },
    devDependencies: {
      '@jest/globals': '^30.0.0',
      '@swc/core': '^1.16.0',
      '@swc/jest': '^0.2.39',
      ...waymarkDevDependencies(n),
      jest: '^30.0.0',
      typescript: '~5.9.3',
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      types: [],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function jestConfig(): string {
  return `// Jest runs the TypeScript tests as ES modules; swc strips the types (no type check here: \`npm run build\` does that).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }] },
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
`;
}

export function gitignore(): string {
  return 'node_modules/\ndist/\n';
}

export function indexTs(n: NodeNames): string {
  return `/**
 * ${n.packageName}: Waymark node types. The engine loads this package by name
 * (\`createEngine({ plugins: ['${n.packageName}'] })\`) and registers every node in \`nodes\`.
 */
import type { Plugin } from '@waymark/sdk';
import { ${n.identifier} } from './${n.file}.js';

export { ${n.identifier} };

/** The plugin contract: every node type this package offers, built with defineNode. */
export const nodes: Plugin['nodes'] = [${n.identifier}];
`;
}

export function nodeTs(n: NodeNames): string {
  if (n.placeholder) return placeholderNodeTs(n, n.placeholder);
  return `import { defineNode } from '@waymark/sdk';

/**
 * The node's config, as a flow holds it. Declared \`as const\` so \`config\` in \`run\` is typed;
 * every property has a default, applied when the flow loads.
 */
const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, default: 'country', description: 'The journey state key to read.' },
    allowed: { type: 'array', items: { type: 'string' }, default: [], description: 'The values that let the journey through.' },
  },
} as const;

/**
 * ${n.type}: lets the journey through when a value an earlier node put in the journey state is
 * one of the allowed values. Replace the body of \`run\` with what your node does.
 *
 * @example
 * { "type": "${n.type}", "config": { "key": "country", "allowed": ["FR", "DE"] },
 *   "outcomes": { "allowed": "next", "denied": "failure", "missing": "failure" } }
 */
export const ${n.identifier} = defineNode({
  type: '${n.type}',
  version: 1,
  description: 'Lets the journey through when a journey state value is one of the allowed values.',
  config,
  outcomes: ['allowed', 'denied', 'missing'],
  run(ctx, { key, allowed }) {
    const value = ctx.state[key];
    if (typeof value !== 'string') return 'missing';
    return allowed.includes(value) ? 'allowed' : { outcome: 'denied', reason: 'not_allowed' };
  },
});
`;
}

export function testTs(n: NodeNames): string {
  if (n.placeholder) return placeholderTestTs(n, n.placeholder);
  return `import { describe, expect, it } from '@jest/globals';
import { runNode, testNodeConfigs } from '@waymark/testing';
import { ${n.identifier} } from '../src/index.js';

describe('${n.type}', () => {
  it('answers allowed when the state value is one of the allowed values', async () => {
    const r = await runNode(${n.identifier}, { config: { allowed: ['FR'] }, state: { country: 'FR' } });
    expect(r.outcome).toBe('allowed');
  });

  it('answers denied, with a reason, when the state value is not allowed', async () => {
    const r = await runNode(${n.identifier}, { config: { allowed: ['FR'] }, state: { country: 'US' } });
    expect(r).toMatchObject({ outcome: 'denied', reason: 'not_allowed' });
  });

  it('answers missing when no earlier node set the state key', async () => {
    const r = await runNode(${n.identifier}, { config: { key: 'region' }, state: { country: 'FR' } });
    expect(r.outcome).toBe('missing');
  });
});

testNodeConfigs(
  ${n.identifier},
  {
    valid: [{}, { key: 'region', allowed: ['eu-west'] }],
    invalid: [
      { config: { key: '' }, pointer: '/key' },
      { config: { allowed: 'FR' }, pointer: '/allowed', message: 'must be an array' },
      { config: { colour: 'red' }, message: 'unknown key "colour"' },
    ],
  },
  { describe, it },
);
`;
}

/** The README paragraph of a package scaffolded from a clone. */
function vendoredNote(range: string): string {
  return `
It was scaffolded from a clone of Waymark, whose packages are not on the npm registry: its
development copies of \`@waymark/sdk\`, \`@waymark/core\` and \`@waymark/testing\` are the tarballs
in \`vendor/\`, installed as \`file:\` dev dependencies. Keep them in version control until the
packages are published, then depend on \`${range}\` instead.
`;
}

function placeholderReadme(n: NodeNames, p: PlaceholderOrigin): string {
  return `# ${n.packageName}

A [Waymark](https://github.com/waymark) plugin: the node type \`${n.type}\`, which replaces the
imported placeholder \`${p.nodeId}\` of \`${p.flowFile}\` (the ${p.source.format} node ${p.source.type},
source id ${p.source.id}). Why the importer could not map it: ${p.reason}.${p.suggestion ? ` Suggested: ${p.suggestion}.` : ''}

It declares the source node's outcomes, so the flow's wiring stays as imported: write \`run\` in
\`src/${n.file}.ts\` (until then it throws), then set \`"type": "${n.type}"\` and \`"config": {}\` on
the node and load the plugin (\`--plugin ${n.packageName}\`).

| outcome |
| --- |
${p.outcomes.map((o) => `| \`${o}\` |`).join('\n')}

## Develop it

\`\`\`sh
npm install     # once
npm test        # the tests in test/, with @waymark/testing
npm run build   # type-checks and writes dist/
\`\`\`
${n.vendored === undefined ? '' : vendoredNote(n.sdkRange)}`;
}

export function readme(n: NodeNames): string {
  if (n.placeholder) return placeholderReadme(n, n.placeholder);
  return `# ${n.packageName}

A [Waymark](https://github.com/waymark) plugin: the node type \`${n.type}\`.

## Use it

\`\`\`sh
npm install ${n.packageName}
\`\`\`

\`\`\`ts
const engine = await createEngine({ nodes: builtinNodes, plugins: ['${n.packageName}'] });
\`\`\`

\`\`\`json
"check": { "type": "${n.type}", "config": { "key": "country", "allowed": ["FR"] },
           "outcomes": { "allowed": "next", "denied": "failure", "missing": "failure" } }
\`\`\`

| outcome | when |
| --- | --- |
| \`allowed\` | the state value is one of \`allowed\` |
| \`denied\` | it is not (reason \`not_allowed\`) |
| \`missing\` | no earlier node set the state key |

| config | default | meaning |
| --- | --- | --- |
| \`key\` | \`"country"\` | the journey state key to read |
| \`allowed\` | \`[]\` | the values that let the journey through |

## Develop it

\`\`\`sh
npm install     # once
npm test        # the tests in test/, with @waymark/testing
npm run build   # type-checks and writes dist/
\`\`\`

The package peer-depends on \`@waymark/sdk\` ${n.sdkRange}: an engine that implements another SDK
version refuses to load it at start-up, naming the range. Secrets your node keeps in
\`ctx.secrets\` are shared only with node types of the same namespace (\`${n.type.slice(0, n.type.lastIndexOf('.'))}\`).
${n.vendored === undefined ? '' : vendoredNote(n.sdkRange)}`;
}
