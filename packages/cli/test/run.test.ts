import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NodeRegistry } from '@waymark/core';
import { callbacks, defineNode, inputValue } from '@waymark/sdk';
import { main } from '@waymark/cli';

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

  it('prints its usage with --help', async () => {
    const t = setup();
    expect(await main(['run', '--help'], t.io([]))).toBe(0);
    expect(t.out.join('')).toContain('Usage: waymark run');
  });
});
