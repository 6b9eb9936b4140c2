import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main, type CliIo } from '@waymark/cli';

const root = new URL('../../../', import.meta.url).pathname;
const shim = join(root, 'packages/cli/bin/waymark.js');
const version = (JSON.parse(execFileSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(join(root, 'packages/cli/package.json'))}))`]).toString()) as { version: string }).version;

function io(env: Record<string, string | undefined> = {}): CliIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: root,
    env,
    out: () => stdout,
    err: () => stderr,
  };
}

describe('the committed bin shim (npx waymark right after npm ci)', () => {
  const temp = mkdtempSync(join(tmpdir(), 'waymark-shim-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  beforeAll(() => {
    // The shim loads dist/bin.js: build the CLI if this run has not (CI builds before testing).
    if (!existsSync(join(root, 'packages/cli/dist/bin.js'))) execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root });
  });

  it('is what package.json names as the bin, is executable, and is what npm linked in node_modules/.bin', () => {
    const manifest = JSON.parse(execFileSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(join(root, 'packages/cli/package.json'))}))`]).toString()) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ waymark: './bin/waymark.js' });
    expect(statSync(shim).mode & 0o111).toBe(0o111);
    expect(realpathSync(join(root, 'node_modules/.bin/waymark'))).toBe(realpathSync(shim));
  });

  it('runs the built CLI: --version prints the package version, --help the commands', () => {
    const ran = spawnSync(shim, ['--version'], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe(`waymark ${version}\n`);
    const help = spawnSync(shim, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: waymark <command> [options]');
  });

  it('says to build (ERR_CLI_NOT_BUILT, exit 2) when dist/ is missing, instead of a resolution error', () => {
    mkdirSync(join(temp, 'bin'));
    copyFileSync(shim, join(temp, 'bin/waymark.js'));
    const ran = spawnSync(process.execPath, [join(temp, 'bin/waymark.js'), '--help'], { encoding: 'utf8' });
    expect(ran.status).toBe(2);
    expect(ran.stderr).toBe('waymark: ERR_CLI_NOT_BUILT: the CLI is not built yet; run "npm run build" in the repository, then run this command again.\n');
  });
});

describe('waymark --version', () => {
  it('prints the version for --version, -v and version, exit 0', async () => {
    for (const flag of ['--version', '-v', 'version']) {
      const cli = io();
      expect(await main([flag], cli)).toBe(0);
      expect(cli.out()).toBe(`waymark ${version}\n`);
    }
  });
});

describe('waymark serve --port / PORT', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => busy.close(() => done())));

  it('answers a taken port with ERR_SERVE_PORT_IN_USE naming the port and the fix, exit 2 (no stack)', async () => {
    const cli = io();
    expect(await main(['serve', '--config', join(root, 'waymark.config.json'), '--port', String(busyPort)], cli)).toBe(2);
    expect(cli.err()).toBe(
      `waymark: ERR_SERVE_PORT_IN_USE: port ${busyPort} on 127.0.0.1 is already in use; stop the other process or choose another port (--port <port>, PORT=<port> or "port" in the config)\n`,
    );
  });

  it('takes the port from PORT when no --port is given (the same taken port is refused the same way)', async () => {
    const cli = io({ PORT: String(busyPort) });
    expect(await main(['serve', '--config', join(root, 'waymark.config.json')], cli)).toBe(2);
    expect(cli.err()).toContain(`ERR_SERVE_PORT_IN_USE: port ${busyPort} on 127.0.0.1`);
  });

  it('refuses a port that is not 0..65535, naming the flag or the variable', async () => {
    const flag = io();
    expect(await main(['serve', '--port', '70000'], flag)).toBe(2);
    expect(flag.err()).toBe('waymark: ERR_CLI_USAGE: serve: --port must be a TCP port from 0 to 65535 (got "70000"); 0 picks a free port\n');
    const variable = io({ PORT: 'http' });
    expect(await main(['serve'], variable)).toBe(2);
    expect(variable.err()).toContain('serve: PORT must be a TCP port from 0 to 65535 (got "http")');
  });
});
