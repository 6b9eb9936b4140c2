import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { NodeRegistry } from '@waymark/core';
import { callbacks, defineNode, inputValue } from '@waymark/sdk';
import { main } from '@waymark/cli';

/**
 * A terminal as `waymark run` sees process.stdin on a TTY (the test seam: `isTTY` and
 * `setRawMode`). Like a real terminal in raw mode it echoes nothing; in cooked mode the
 * terminal, not the program, would echo, so the output the command writes must never hold
 * what was typed for a hidden answer. packages/cli/test/run-terminal.test.ts does the same
 * on a real pseudo-terminal.
 */
class FakeTerminal extends PassThrough {
  isTTY = true;
  modes: boolean[] = [];
  constructor(typed: string) {
    super();
    this.end(typed);
  }
  setRawMode(raw: boolean): this {
    this.modes.push(raw);
    return this;
  }
}

const ask = defineNode({
  type: 'test.ask',
  version: 1,
  description: 'Asks a name and a password.',
  outcomes: ['collected'],
  run(ctx) {
    if (!ctx.callbacks) return ctx.suspend([callbacks.textOutput('Welcome'), callbacks.name('User Name'), callbacks.password('Password')]);
    ctx.state.sub = String(inputValue(ctx.callbacks[1]));
    ctx.secrets.password = String(inputValue(ctx.callbacks[2]));
    return 'collected';
  },
});
const check = defineNode({
  type: 'test.check',
  version: 1,
  description: 'Checks the password.',
  outcomes: ['valid', 'invalid'],
  run: (ctx) => (ctx.secrets.password === 'correct horse' && ctx.request.ip === '203.0.113.7' ? 'valid' : { outcome: 'invalid', reason: 'password' }),
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-run-'));
  writeFileSync(
    join(dir, 'login.json'),
    JSON.stringify({
      id: 'login',
      version: 1,
      description: 'Asks and checks.',
      start: 'collect',
      nodes: { collect: { type: 'test.ask', outcomes: { collected: 'verify' } }, verify: { type: 'test.check', outcomes: { valid: 'success', invalid: 'failure' } } },
    }),
  );
  writeFileSync(join(dir, 'input.json'), JSON.stringify({ request: { ip: '203.0.113.7' } }));
  writeFileSync(join(dir, 'bad-input.json'), '{ nope');
  const out: string[] = [];
  const err: string[] = [];
  const registry = async () => {
    const r = new NodeRegistry();
    r.registerAll([ask, check]);
    return r;
  };
  const io = (answers: string[]) => ({
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    stdin: Readable.from(answers.map((a) => `${a}\n`)),
    cwd: dir,
    registry,
  });
  return { dir, out, err, io };
}

describe('waymark run', () => {
  it('turns callbacks into prompts, finishes the journey and prints the trace', async () => {
    const t = setup();
    const code = await main(['run', '--input', 'input.json', 'login.json'], t.io(['ada', 'correct horse']));
    const text = t.out.join('');
    expect(code).toBe(0);
    expect(text).toContain('Welcome');
    expect(text).toContain('User Name: ');
    expect(text).toContain('Password: ');
    expect(text).toMatch(/success\n\s+sub\s+ada/);
    expect(text).toMatch(/collect\s+test\.ask\s+suspended/);
    expect(text).toMatch(/verify\s+test\.check\s+valid/);
    expect(text).not.toContain('correct horse');
  });

  it('exits 1 and prints the coded failure and the node reason when the journey fails', async () => {
    const t = setup();
    const code = await main(['run', 'login.json'], t.io(['ada', 'correct horse']));
    expect(code).toBe(1);
    expect(t.out.join('')).toContain('failure ERR_JOURNEY_FAILED');
    expect(t.out.join('')).toMatch(/verify\s+test\.check\s+invalid \(password\)/);
  });

  it('exits 2 with a coded message when the answers run out or --input is not JSON', async () => {
    const t = setup();
    expect(await main(['run', 'login.json'], t.io(['ada']))).toBe(2);
    expect(t.err.join('')).toContain('ERR_CLI_USAGE');
    expect(await main(['run', '--input', 'bad-input.json', 'login.json'], t.io([]))).toBe(2);
    expect(t.err.join('')).toMatch(/bad-input\.json is not valid JSON/);
  });

  it('signs a user in with the shipped password-login flow and --users, as the README shows', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const root = new URL('../../../', import.meta.url).pathname;
    const code = await main(['run', '--users', 'flows/fixtures/users.json', 'flows/password-login.json'], {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      stdin: Readable.from(['alice\n', 'correct horse battery staple\n']),
      cwd: root,
    });
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/verify\s+credentials\.verify\s+valid/);
  });

  it('on a terminal, reads the password in raw mode and never writes what was typed; the name is a normal line', async () => {
    const t = setup();
    const terminal = new FakeTerminal('ada\ncorrect horse\r');
    const code = await main(['run', '--input', 'input.json', 'login.json'], { ...t.io([]), stdin: terminal });
    expect(code).toBe(0);
    expect(terminal.modes).toEqual([true, false]);
    const text = t.out.join('');
    expect(text).toContain('User Name: Password: \n');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('*');
  });

  it('on a terminal, Backspace edits the hidden answer and escape sequences (arrow keys) are dropped', async () => {
    const t = setup();
    const terminal = new FakeTerminal('ada\ncorrect horsx\u007fe\u001b[D\r');
    expect(await main(['run', '--input', 'input.json', 'login.json'], { ...t.io([]), stdin: terminal })).toBe(0);
  });

  it('on a terminal, Ctrl-C while typing a password cancels (exit 2, ERR_CLI_CANCELLED) and restores the terminal', async () => {
    const t = setup();
    const terminal = new FakeTerminal('ada\ncorr\u0003');
    expect(await main(['run', '--input', 'input.json', 'login.json'], { ...t.io([]), stdin: terminal })).toBe(2);
    expect(t.err.join('')).toContain('ERR_CLI_CANCELLED');
    expect(terminal.modes).toEqual([true, false]);
  });

  it('on a terminal, the input ending before the password is a coded usage error, the terminal restored', async () => {
    const t = setup();
    const terminal = new FakeTerminal('ada\n');
    expect(await main(['run', 'login.json'], { ...t.io([]), stdin: terminal })).toBe(2);
    expect(t.err.join('')).toContain('ERR_CLI_USAGE: run: the input ended');
    expect(terminal.modes).toEqual([true, false]);
  });

  it('from a pipe (not a terminal), reads the password as a plain line and never touches the terminal mode', async () => {
    const t = setup();
    const piped = Object.assign(Readable.from(['ada\n', 'correct horse\n']), { setRawMode: () => expect('not called').toBe('called') });
    expect(await main(['run', '--input', 'input.json', 'login.json'], { ...t.io([]), stdin: piped })).toBe(0);
  });

  it('prints its usage with --help', async () => {
    const t = setup();
    expect(await main(['run', '--help'], t.io([]))).toBe(0);
    expect(t.out.join('')).toContain('Usage: waymark run');
  });
});
