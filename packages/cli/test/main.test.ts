import { describe, it, expect } from '@jest/globals';
import { run } from './helpers.js';

describe('waymark (top level)', () => {
  it('--help lists every command with its summary and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: waymark <command>/);
    expect(stdout).toMatch(/validate\s+check flow files/);
    expect(stdout).toMatch(/graph\s+print a flow as a Mermaid flowchart/);
  });

  it('without a command prints the help to stderr and exits 2', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('ERR_CLI_USAGE');
    expect(stderr).toContain('Usage: waymark <command>');
  });

  it('an unknown command exits 2 with ERR_CLI_UNKNOWN_COMMAND and the closest command', async () => {
    const { code, stderr } = await run(['valdate', 'x.json']);
    expect(code).toBe(2);
    expect(stderr).toBe('waymark: ERR_CLI_UNKNOWN_COMMAND: unknown command "valdate". Did you mean "validate"? Run "waymark --help" for the commands.\n');
  });

  it('an unknown top-level flag exits 2 with ERR_CLI_USAGE', async () => {
    const { code, stderr } = await run(['--verbose']);
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_CLI_USAGE: unknown option "--verbose"');
  });
});
