import { describe, expect, it } from '@jest/globals';
import { main } from '@waymark/cli';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: process.cwd() } };
}

describe('waymark bench', () => {
  it('prints the engine overhead per step next to the plain loop and the persisted journey size', async () => {
    const t = io();
    expect(await main(['bench', '--rounds', '1', '--journeys', '200'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/plain async loop\s+\d+\.\d+ µs\/step/);
    expect(text).toMatch(/engine, linear\s+\d+\.\d+ µs\/step\s+overhead -?\d+\.\d+ µs\/step \(goal ≤ 2\)/);
    expect(text).toMatch(/persisted suspended journey \d{3,} bytes/);
  });

  it('answers a bad count with a coded usage error and exit 2', async () => {
    const t = io();
    expect(await main(['bench', '--rounds', '0'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/ERR_CLI_USAGE.*--rounds must be a positive whole number/);
  });
});
