import { defineNode, type NodeType } from '@waymark/sdk';
import { NodeRegistry } from '@waymark/core';
import { main, type CliIo } from '@waymark/cli';

const check = defineNode({
  type: 'test.check',
  version: 1,
  description: 'Checks a token.',
  config: { type: 'object', required: ['issuer'], properties: { issuer: { type: 'string' } } } as const,
  outcomes: ['valid', 'invalid'],
  run: () => 'valid',
});
const gate = defineNode({
  type: 'test.gate',
  version: 1,
  description: 'Passes or blocks.',
  outcomes: ['pass', 'block'],
  run: () => 'pass',
});

export const fixtures = new URL('./fixtures/', import.meta.url).pathname;

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** The plugin names the command asked the registry for. */
  plugins: readonly string[] | undefined;
}

/** Runs `waymark <argv>` in-process from the fixtures folder, with the test node types. */
export async function run(argv: string[], options: { realRegistry?: boolean; env?: Record<string, string> } = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  let plugins: readonly string[] | undefined;
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: fixtures,
    ...(options.env ? { env: options.env } : {}),
  };
  if (!options.realRegistry) {
    io.registry = async (names) => {
      plugins = names;
      const registry = new NodeRegistry();
      registry.registerAll([check, gate] as NodeType<unknown>[], 'test');
      return registry;
    };
  }
  const code = await main(argv, io);
  return { code, stdout, stderr, plugins };
}
