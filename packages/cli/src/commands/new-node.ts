import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { RESERVED_NAMESPACES } from '@waymark/core/internal';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { readFile } from 'node:fs/promises';
import { gitignore, indexTs, jestConfig, nodeTs, packageJson, readme, testTs, tsconfigJson, type NodeNames, type PlaceholderOrigin } from './new-node-templates.js';

/** The @waymark/sdk range a new package peer-depends on: the SDK this CLI ships with. */
export const NEW_NODE_SDK_RANGE = '^0.1.0';

/**
 * The @waymark packages a new package's development needs: the SDK, @waymark/testing and what
 * @waymark/testing depends on. From a clone they are packed into the new package's `vendor/`.
 */
export const VENDORED_PACKAGES = ['sdk', 'core', 'testing'] as const;

/** The Waymark clone this CLI runs from (packages/sdk beside packages/cli), or undefined for an installed CLI. */
export function cloneRoot(): string | undefined {
  // src/commands or dist/commands → packages/cli → packages → the repository.
  const root = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/[\\/]$/, '');
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'packages/sdk/package.json'), 'utf8')) as { name?: string };
    return manifest.name === '@waymark/sdk' ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Packs the clone's @waymark/sdk, core and testing with `npm pack` into `dir`/vendor and
 * returns the `file:` spec of each: the @waymark packages are not on the npm registry, so a
 * package scaffolded from a clone installs them from these tarballs, offline.
 */
async function vendorFromClone(root: string, dir: string): Promise<Record<string, string>> {
  const missing = VENDORED_PACKAGES.filter((name) => !existsSync(join(root, 'packages', name, 'dist/index.js')));
  if (missing.length > 0)
    throw new CliError(
      'ERR_CLI_NOT_BUILT',
      `new-node: ${missing.map((n) => `@waymark/${n}`).join(', ')} of the clone at ${root} ${missing.length === 1 ? 'is' : 'are'} not built, so cannot be packed for the new package: run "npm run build" there first (or pass --sdk registry)`,
    );
  const vendor = join(dir, 'vendor');
  await mkdir(vendor, { recursive: true });
  const { stdout } = await promisify(execFile)(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', vendor, ...VENDORED_PACKAGES.map((name) => join(root, 'packages', name))],
    { cwd: root },
  );
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  return Object.fromEntries(packed.map((p) => [p.name, `file:vendor/${p.filename}`]));
}

const usage = `Usage: waymark new-node <package-name> [--type <namespace>.<name>] [--dir <path>] [--sdk clone|registry]
                        [--from-placeholder <flow.json>#<nodeId>]

Scaffolds an npm package holding one Waymark node type: package.json (peer-depends on
@waymark/sdk ${NEW_NODE_SDK_RANGE}), tsconfig.json, src/index.ts exporting { nodes }, the node with a
typed config schema, a test per outcome with @waymark/testing, and a README.

Options:
  --type <type>  the node type, namespaced: "acme.geofence" (default: from a scoped name,
                 @acme/waymark-geofence gives acme.geofence)
  --dir <path>   where to write it (default: ./<name without scope>); must be empty or absent
  --sdk <from>   where the package's development copies of @waymark/sdk and @waymark/testing
                 come from: "clone" packs this clone's (built) packages into vendor/ and
                 depends on them by file: (the default when waymark runs from a clone: the
                 @waymark packages are not on the npm registry), "registry" the published ones
  --from-placeholder <flow.json>#<nodeId>
                 scaffold the node that replaces an import.placeholder of an imported flow
                 (waymark import): it declares the placeholder's outcomes and names its source
  -h, --help     show this help

Exit codes: 0 written, 2 usage error (bad name or type, folder not empty, clone not built).
`;

// npm's rules (validate-npm-package-name): lower case, URL-safe, at most 214 characters,
// no leading dot or underscore, an optional @scope/.
const PACKAGE_NAME = /^(?:@([a-z0-9][a-z0-9._~-]*)\/)?([a-z0-9][a-z0-9._~-]*)$/;
// The SDK's rule for type names (defineNode checks it too).
const TYPE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

function checkPackageName(name: string): { scope: string | undefined; bare: string } {
  const match = PACKAGE_NAME.exec(name);
  const problem =
    name.length > 214
      ? 'is longer than 214 characters'
      : match === null
        ? 'is not a valid npm package name (lower case letters, digits, "-", ".", "_", "~", optionally "@scope/")'
        : builtinModules.includes(match[2]!) && match[1] === undefined
          ? 'is the name of a Node.js core module'
          : ['node_modules', 'favicon.ico'].includes(match[2]!)
            ? 'is reserved by npm'
            : undefined;
  if (problem !== undefined || match === null)
    throw new CliError('ERR_CLI_USAGE', `new-node: "${name}" ${problem}: name the package like "@acme/waymark-geofence"`);
  return { scope: match[1], bare: match[2]! };
}

/** `@acme/waymark-geofence` → `acme.geofence`; an unscoped name gives no namespace. */
function defaultType(scope: string | undefined, bare: string): string | undefined {
  if (scope === undefined) return undefined;
  const namespace = scope.replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '');
  const local = bare
    .replace(/^waymark-(node-)?/, '')
    .replace(/-node$/, '')
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^[^a-z]+/, '');
  return namespace && local ? `${namespace}.${local}` : undefined;
}

function checkType(type: string): void {
  if (!TYPE_NAME.test(type))
    throw new CliError(
      'ERR_CLI_USAGE',
      `new-node: type "${type}" must be namespaced lower-case words joined by dots, such as "acme.geofence"`,
    );
  const namespace = type.split('.')[0]!;
  if (RESERVED_NAMESPACES.includes(namespace))
    throw new CliError(
      'ERR_CLI_USAGE',
      `new-node: namespace "${namespace}" is reserved for built-in node types (${RESERVED_NAMESPACES.join(', ')}): use your own, such as "acme.${type.split('.').pop()}"`,
    );
}

function identifierOf(file: string): string {
  const camel = file.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return /^[a-z]/.test(camel) ? camel : `node${camel}`;
}

/** Reads the import.placeholder node `<file>#<nodeId>` names: its outcomes and source, or a usage error naming the problem. */
export async function readPlaceholder(spec: string, cwd: string): Promise<PlaceholderOrigin> {
  const hash = spec.lastIndexOf('#');
  if (hash <= 0 || hash === spec.length - 1)
    throw new CliError('ERR_CLI_USAGE', `new-node: --from-placeholder takes <flow.json>#<nodeId>, such as imported/flows/login.json#emailSuspend (got "${spec}")`);
  const file = spec.slice(0, hash);
  const nodeId = spec.slice(hash + 1);
  const text = await readFile(resolve(cwd, file), 'utf8').catch(() => {
    throw new CliError('ERR_CLI_FILE', `new-node: cannot read ${file}: name an imported flow file`);
  });
  let flow: { nodes?: Record<string, { type?: unknown; config?: Record<string, unknown> }> };
  try {
    flow = JSON.parse(text) as typeof flow;
  } catch {
    throw new CliError('ERR_CLI_FILE', `new-node: ${file} is not JSON: name an imported flow file`);
  }
  const node = flow.nodes?.[nodeId];
  if (!node) {
    const placeholders = Object.entries(flow.nodes ?? {}).filter(([, n]) => n.type === 'import.placeholder').map(([id]) => id);
    throw new CliError('ERR_CLI_USAGE', `new-node: ${file} has no node "${nodeId}"${placeholders.length ? ` (its placeholders: ${placeholders.join(', ')})` : ''}`);
  }
  const c = node.config ?? {};
  const outcomes = Array.isArray(c.outcomes) ? c.outcomes.filter((o): o is string => typeof o === 'string') : [];
  const source = c.source as PlaceholderOrigin['source'] | undefined;
  if (node.type !== 'import.placeholder' || outcomes.length === 0 || !source || typeof source.type !== 'string')
    throw new CliError('ERR_CLI_USAGE', `new-node: node "${nodeId}" of ${file} is a ${String(node.type)}, not an import.placeholder with outcomes: name a placeholder the importer wrote`);
  return {
    flowFile: file,
    nodeId,
    outcomes,
    source: { format: String(source.format), type: source.type, id: String(source.id) },
    reason: typeof c.reason === 'string' ? c.reason : 'not mapped',
    ...(typeof c.suggestion === 'string' && c.suggestion ? { suggestion: c.suggestion } : {}),
  };
}

/** The files of a new node package, by path relative to its folder. */
export function newNodeFiles(names: NodeNames): Record<string, string> {
  return {
    'package.json': packageJson(names),
    'tsconfig.json': tsconfigJson(),
    'jest.config.js': jestConfig(),
    '.gitignore': gitignore(),
    'README.md': readme(names),
    'src/index.ts': indexTs(names),
    [`src/${names.file}.ts`]: nodeTs(names),
    [`test/${names.file}.test.ts`]: testTs(names),
  };
}

export const newNode: Command = {
  name: 'new-node',
  summary: 'scaffold an npm package holding a node type, with tests',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('new-node', ['type', 'dir', 'sdk', 'from-placeholder', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: {
          type: { type: 'string' },
          dir: { type: 'string' },
          sdk: { type: 'string' },
          'from-placeholder': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (positionals.length !== 1)
      throw new CliError('ERR_CLI_USAGE', 'new-node: name exactly one package, such as "waymark new-node @acme/waymark-geofence"');
    const packageName = positionals[0]!;
    const { scope, bare } = checkPackageName(packageName);
    const type = values.type ?? defaultType(scope, bare);
    if (type === undefined)
      throw new CliError(
        'ERR_CLI_USAGE',
        `new-node: "${packageName}" has no scope to take a namespace from: pass --type <namespace>.<name>, such as --type acme.geofence`,
      );
    checkType(type);
    const placeholder = values['from-placeholder'] === undefined ? undefined : await readPlaceholder(values['from-placeholder'], io.cwd);
    const root = cloneRoot();
    const from = values.sdk ?? (root === undefined ? 'registry' : 'clone');
    if (from !== 'clone' && from !== 'registry')
      throw new CliError('ERR_CLI_USAGE', `new-node: --sdk takes "clone" or "registry" (got "${from}")`);
    if (from === 'clone' && root === undefined)
      throw new CliError('ERR_CLI_USAGE', 'new-node: --sdk clone needs waymark run from a clone of the Waymark repository; this one is installed: use --sdk registry');
    const dir = resolve(io.cwd, values.dir ?? bare);
    const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      if (error.code === 'ENOTDIR') return ['(a file)'];
      throw error;
    });
    if (existing.length > 0)
      throw new CliError(
        'ERR_CLI_TARGET_EXISTS',
        `new-node: ${relative(io.cwd, dir) || '.'} exists and is not empty; nothing was written: pass --dir with a new or empty folder`,
        { dir },
      );
    const file = type.slice(type.lastIndexOf('.') + 1);
    await mkdir(dir, { recursive: true });
    const vendored = from === 'clone' ? await vendorFromClone(root as string, dir) : undefined;
    const files = newNodeFiles({ packageName, type, file, identifier: identifierOf(file), sdkRange: NEW_NODE_SDK_RANGE, ...(vendored ? { vendored } : {}), ...(placeholder ? { placeholder } : {}) });
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text, { flag: 'wx' });
    }
    const shown = relative(io.cwd, dir) || '.';
    const listed = [...Object.keys(files), ...Object.values(vendored ?? {}).map((spec) => spec.slice('file:'.length))];
    io.stdout.write(
      `Created ${packageName} (node type ${type}) in ${shown}:\n${listed.map((f) => `  ${f}\n`).join('')}${
        vendored ? `(@waymark/sdk, core and testing packed from the clone at ${root}: the @waymark packages are not on the npm registry)\n` : ''
      }\nNext: cd ${shown} && npm install && npm test && npm run build\n`,
    );
    return EXIT.OK;
  },
};
