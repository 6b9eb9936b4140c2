import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The built `waymark` (packages/cli/dist/bin.js) as a person runs it. For a real terminal the
 * command runs under util-linux `script`, which gives it a pseudo-terminal: what `script`
 * prints is what the person would see, the terminal's own echo included. Typed visible answers
 * must show there; a typed password must not.
 */

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'packages/cli/dist/bin.js');
const PASSWORD = 'correct horse battery staple';

beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  if (build.status !== 0) throw new Error(`npx tsc -b packages/cli failed (these tests run dist/bin.js):\n${build.stdout}${build.stderr}`);
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status !== 0) throw new Error('util-linux `script` is needed for the pseudo-terminal test: apt-get install -y util-linux');
}, 180_000);

/** A command running on a pseudo-terminal: type into it, read what its screen shows. */
class Terminal {
  screen = '';
  readonly exited: Promise<number>;
  readonly #child: ChildProcessWithoutNullStreams;
  #waiters: (() => void)[] = [];

  constructor(command: string) {
    // -q quiet, -f flush at once, -e the command's exit code, -c the command; no typescript file.
    this.#child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: { ...process.env, TERM: 'dumb' } });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      this.screen += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.#child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Waits until the screen shows `text` (the prompt), so typing never runs ahead of it. */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!this.screen.includes(text)) {
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${this.screen}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  /** Types keys, as a keyboard does (Enter is "\r"). */
  type(keys: string): void {
    this.#child.stdin.write(keys);
  }

  kill(): void {
    this.#child.kill();
  }
}

let terminal: Terminal | undefined;
afterEach(() => terminal?.kill());

describe('waymark run on a real terminal', () => {
  it('shows the username as it is typed but never the password, and signs in', async () => {
    terminal = new Terminal(`${process.execPath} ${bin} run --users flows/fixtures/users.json flows/password-login.json`);
    await terminal.waitFor('User Name: ');
    terminal.type('alice\r');
    await terminal.waitFor('Password: ');
    terminal.type(`${PASSWORD}\r`);
    expect(await terminal.exited).toBe(0);
    // The terminal echoed the name (echo is on for visible answers), and nothing of the password.
    expect(terminal.screen).toMatch(/User Name: alice\r?\n/);
    expect(terminal.screen).toMatch(/Password: \r?\n/);
    expect(terminal.screen).not.toContain('horse');
    expect(terminal.screen).toMatch(/verify\s+credentials\.verify\s+valid/);
  }, 60_000);

  it('a wrong password typed blind is refused, and still never shown', async () => {
    terminal = new Terminal(`${process.execPath} ${bin} run --users flows/fixtures/users.json flows/password-login.json`);
    await terminal.waitFor('User Name: ');
    terminal.type('alice\r');
    await terminal.waitFor('Password: ');
    terminal.type('Tr0ub4dor&3\r');
    expect(await terminal.exited).toBe(1);
    expect(terminal.screen).not.toContain('Tr0ub4dor');
    expect(terminal.screen).toMatch(/verify\s+credentials\.verify\s+invalid \(bad_credentials\)/);
  }, 60_000);
});

describe('waymark as a process', () => {
  it('writes all of a long output into a shell pipe before it exits (waymark schema is over 64 KiB, a pipe buffer)', () => {
    const published = readFileSync(join(root, 'packages/core/schema/flow.schema.json'));
    expect(published.length).toBeGreaterThan(65_536);
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" schema | wc -c`], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBe(published.length);
  });

  it('with stdin from a pipe, reads the answers line by line as before', () => {
    const run = spawnSync(process.execPath, [bin, 'run', '--users', 'flows/fixtures/users.json', 'flows/password-login.json'], {
      cwd: root,
      encoding: 'utf8',
      input: `alice\n${PASSWORD}\n`,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('User Name: Password: ');
    expect(run.stdout).not.toContain(PASSWORD);
  });
});
