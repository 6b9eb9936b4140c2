import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main, type CliIo } from '@waymark/cli';
import { runFlow } from '@waymark/testing';

const exec = promisify(execFile);
const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
let tmp: string;

async function newNode(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: tmp };
  const code = await main(['new-node', ...argv], io);
  return { code, stdout, stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'waymark-new-node-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('waymark new-node: arguments', () => {
  it('writes the package files and names the next steps', async () => {
    const r = await newNode(['@acme/waymark-geofence', '--dir', 'geo-args']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Created @acme/waymark-geofence (node type acme.geofence) in geo-args');
    expect(r.stdout).toContain('Next: cd geo-args && npm install && npm test && npm run build');
    const files = readdirSync(join(tmp, 'geo-args'), { recursive: true }).map(String).sort();
    expect(files).toEqual([
      '.gitignore',
      'README.md',
      'jest.config.js',
      'package.json',
      'src',
      'src/geofence.ts',
      'src/index.ts',
      'test',
      'test/geofence.test.ts',
      'tsconfig.json',
    ]);
  });

  it('writes a package.json that peer-depends on the SDK range and exports types and code from dist', async () => {
    await newNode(['@acme/waymark-geofence', '--dir', 'geo-manifest']);
    const manifest = JSON.parse(readFileSync(join(tmp, 'geo-manifest/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: '@acme/waymark-geofence',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      peerDependencies: { '@waymark/sdk': '^0.1.0' },
      devDependencies: { '@waymark/testing': '^0.1.0' },
      scripts: { build: 'tsc -p tsconfig.json' },
    });
  });

  it('takes the type from --type and names files after its last segment', async () => {
    expect((await newNode(['waymark-geo', '--type', 'acme.geo-fence', '--dir', 'typed'])).code).toBe(0);
    expect(readFileSync(join(tmp, 'typed/src/geo-fence.ts'), 'utf8')).toContain(
      "export const geoFence = defineNode({\n  type: 'acme.geo-fence',",
    );
  });

  it('refuses a non-empty folder with ERR_CLI_TARGET_EXISTS and exit 2, writing nothing', async () => {
    mkdirSync(join(tmp, 'busy'));
    writeFileSync(join(tmp, 'busy/keep.txt'), 'mine');
    const r = await newNode(['@acme/waymark-geofence', '--dir', 'busy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'waymark: ERR_CLI_TARGET_EXISTS: new-node: busy exists and is not empty; nothing was written: pass --dir with a new or empty folder\n',
    );
    expect(readdirSync(join(tmp, 'busy'))).toEqual(['keep.txt']);
  });

  it.each([
    ['with capitals', 'Acme-Geofence', /"Acme-Geofence" is not a valid npm package name/],
    ['starting with a dot', '.hidden', /is not a valid npm package name/],
    ['of a core module', 'fs', /"fs" is the name of a Node.js core module/],
    ['over 214 characters', 'a'.repeat(215), /is longer than 214 characters/],
  ])('refuses a package name %s with ERR_CLI_USAGE naming the rule', async (_what, name, message) => {
    const r = await newNode([name, '--dir', 'never']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERR_CLI_USAGE/);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    [['geofence'], /has no scope to take a namespace from: pass --type <namespace>\.<name>/],
    [['@acme/geo', '--type', 'geofence'], /type "geofence" must be namespaced/],
    [['@acme/geo', '--type', 'Acme.Geo'], /type "Acme.Geo" must be namespaced lower-case words/],
    [
      ['@acme/geo', '--type', 'session.steal'],
      /namespace "session" is reserved for built-in node types .*use your own, such as "acme.steal"/,
    ],
  ])('refuses %j: the type must be namespaced and not reserved', async (argv, message) => {
    const r = await newNode([...argv, '--dir', 'never']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('waymark new-node: the scaffold works as written', () => {
  const pkg = () => join(tmp, 'geofence');

  beforeAll(async () => {
    expect((await newNode(['@acme/waymark-geofence', '--dir', 'geofence'])).code).toBe(0);
    // What `npm install` would give the package: @waymark/sdk (its published types under dist).
    mkdirSync(join(tmp, 'node_modules/@waymark'), { recursive: true });
    symlinkSync(join(repo, 'packages/sdk'), join(tmp, 'node_modules/@waymark/sdk'), 'dir');
  });

  it('builds with tsc (strict, NodeNext) into dist with declarations', async () => {
    // `-b` builds @waymark/sdk first when its dist is stale, then the new package.
    await exec(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-b', join(repo, 'packages/sdk'), pkg()], { cwd: pkg() });
    expect(readdirSync(join(pkg(), 'dist')).sort()).toEqual(
      expect.arrayContaining(['geofence.d.ts', 'geofence.js', 'index.d.ts', 'index.js']),
    );
  }, 60_000);

  it('passes its own tests under its own jest config', async () => {
    const generated = ((await import(join(pkg(), 'jest.config.js'))) as { default: Record<string, unknown> }).default;
    const [pattern, [, swcOptions]] = Object.entries(generated.transform as Record<string, [string, unknown]>)[0]!;
    const config = {
      ...generated,
      rootDir: pkg(),
      // The published @waymark/testing and @waymark/sdk are this repo's sources; @swc/jest is the repo's.
      transform: { [pattern]: [join(repo, 'node_modules/@swc/jest'), swcOptions] },
      moduleNameMapper: {
        '^@waymark/([a-z-]+)$': `${repo}/packages/$1/src/index.ts`,
        ...(generated.moduleNameMapper as Record<string, string>),
      },
      cacheDirectory: join(tmp, '.jest-cache'),
    };
    const { stderr } = await exec(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings',
        join(repo, 'node_modules/jest/bin/jest.js'),
        '--ci',
        '--no-watchman',
        '--config',
        JSON.stringify(config),
      ],
      { cwd: pkg() },
    );
    expect(stderr).toMatch(/Tests:\s+8 passed, 8 total/);
    expect(stderr).toContain('geofence.test.ts');
  }, 60_000);

  it('loads into the engine by package name from an app and runs a flow through its node', async () => {
    const app = join(tmp, 'app');
    mkdirSync(join(app, 'node_modules/@acme'), { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}');
    symlinkSync(pkg(), join(app, 'node_modules/@acme/waymark-geofence'), 'dir');
    const flow = {
      id: 'geo-gate',
      version: 1,
      description: 'Lets French users through.',
      start: 'gate',
      nodes: {
        gate: {
          type: 'acme.geofence',
          config: { allowed: ['FR'] },
          outcomes: { allowed: 'success', denied: 'failure', missing: 'failure' },
        },
      },
    };
    const options = { plugins: ['@acme/waymark-geofence'], cwd: app };
    const fr = await runFlow(flow, [], { ...options, state: { country: 'FR' } });
    expect(fr).toMatchObject({ status: 'success', path: ['gate'], outcomes: ['allowed'] });
    const us = await runFlow(flow, [], { ...options, state: { country: 'US' } });
    expect(us).toMatchObject({ status: 'failure', outcomes: ['denied'] });
    expect(us.engine.registry.sourceOf('acme.geofence')).toBe('@acme/waymark-geofence');
  }, 60_000);
});
