import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    const r = await newNode(['@acme/waymark-geofence', '--dir', 'geo-args', '--sdk', 'registry']);
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
    await newNode(['@acme/waymark-geofence', '--dir', 'geo-manifest', '--sdk', 'registry']);
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

  it('from a clone (the default there), packs the clone\'s @waymark/sdk, core and testing into vendor/ and depends on them by file:', async () => {
    const r = await newNode(['@acme/waymark-geofence', '--dir', 'geo-clone']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`packed from the clone at ${repo}: the @waymark packages are not on the npm registry`);
    expect(readdirSync(join(tmp, 'geo-clone/vendor')).sort()).toEqual(['waymark-core-0.1.0.tgz', 'waymark-sdk-0.1.0.tgz', 'waymark-testing-0.1.0.tgz']);
    const manifest = JSON.parse(readFileSync(join(tmp, 'geo-clone/package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.peerDependencies).toEqual({ '@waymark/sdk': '^0.1.0' });
    expect(manifest.devDependencies).toMatchObject({
      '@waymark/sdk': 'file:vendor/waymark-sdk-0.1.0.tgz',
      '@waymark/core': 'file:vendor/waymark-core-0.1.0.tgz',
      '@waymark/testing': 'file:vendor/waymark-testing-0.1.0.tgz',
    });
    expect(readFileSync(join(tmp, 'geo-clone/README.md'), 'utf8')).toContain('are the tarballs\nin `vendor/`');
  }, 60_000);

  it('refuses an --sdk that is neither clone nor registry', async () => {
    const r = await newNode(['@acme/waymark-geofence', '--dir', 'never', '--sdk', 'npm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('waymark: ERR_CLI_USAGE: new-node: --sdk takes "clone" or "registry" (got "npm")\n');
  });

  it('takes the type from --type and names files after its last segment', async () => {
    expect((await newNode(['waymark-geo', '--type', 'acme.geo-fence', '--dir', 'typed', '--sdk', 'registry'])).code).toBe(0);
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

/** The environment of a command a person types: none of the npm_* variables of the `npm test` running this file. */
function personEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

async function sh(command: string, args: string[], cwd: string) {
  return exec(command, args, { cwd, env: personEnv(), maxBuffer: 16 * 1024 * 1024 });
}

/*
 * packages/sdk/README.md's walk-through, run as written from this clone: `waymark new-node`,
 * then in the new package `npm install` (real, from the npm registry, which has no @waymark
 * package: those come from the tarballs new-node packed), `npm test` and `npm run build`, and
 * the built package loaded by name into an engine and `waymark validate --plugin`.
 */
describe('waymark new-node: the SDK walk-through from a clone, as written', () => {
  const pkg = () => join(tmp, 'waymark-geofence');

  beforeAll(async () => {
    // What `npm run build` did in the clone before the walk-through (new-node packs dist).
    await exec(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-b', ...['sdk', 'core', 'testing'].map((p) => join(repo, 'packages', p))], { cwd: repo });
    // npx waymark new-node @acme/waymark-geofence
    expect((await newNode(['@acme/waymark-geofence'])).code).toBe(0);
    // cd waymark-geofence && npm install
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], pkg());
  }, 300_000);

  it('npm install took @waymark/sdk and @waymark/testing from the vendored tarballs (copies, not links into the clone)', () => {
    for (const name of ['sdk', 'core', 'testing']) {
      const installed = join(pkg(), 'node_modules/@waymark', name);
      expect(lstatSync(installed).isSymbolicLink()).toBe(false);
      expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))).toMatchObject({ name: `@waymark/${name}`, version: '0.1.0' });
    }
  });

  it('npm test passes the scaffolded tests', async () => {
    const { stdout, stderr } = await sh('npm', ['test'], pkg());
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+8 passed, 8 total/);
  }, 120_000);

  it('npm run build type-checks and writes dist with declarations', async () => {
    await sh('npm', ['run', 'build'], pkg());
    expect(readdirSync(join(pkg(), 'dist')).sort()).toEqual(expect.arrayContaining(['geofence.d.ts', 'geofence.js', 'index.d.ts', 'index.js']));
  }, 120_000);

  it('loads into the engine by package name from an app and runs a flow through its node; waymark validate --plugin checks its config', async () => {
    await sh('npm', ['run', 'build'], pkg());
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

    writeFileSync(join(app, 'gate.json'), JSON.stringify({ ...flow, nodes: { gate: { ...flow.nodes.gate, config: { allowed: 'FR' } } } }));
    let stdout = '';
    const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stdout += s) }, cwd: app };
    expect(await main(['validate', '--plugin', '@acme/waymark-geofence', 'gate.json'], io)).toBe(1);
    expect(stdout).toContain('gate.json: /nodes/gate/config/allowed ERR_FLOW_CONFIG');
  }, 120_000);
});
