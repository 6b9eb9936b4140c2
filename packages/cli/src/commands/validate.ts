import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateFlowJson, type NodeRegistry } from '@waymark/core';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatProblem, readArgumentFile } from '../flow-file.js';
import { EXIT, type CliIo } from '../io.js';
import { createCliRegistry } from '../registry.js';

const usage = `Usage: waymark validate [--plugin <package>]... <file|directory>...

Checks flow files against the flow schema, the registered node types and their own graph,
and prints every problem as "file: /json/pointer CODE what is wrong and how to fix it".
A directory stands for every *.json file directly inside it.

Options:
  --plugin <package>  also load the node types of this plugin package (repeatable)
  -q, --quiet         print problems only, not the line per valid flow
  -h, --help          show this help

Exit codes: 0 every flow is valid, 1 a flow has problems, 2 usage error or unreadable file.
`;

/** Files named on the command line, with directories expanded to their *.json files (sorted). */
async function expand(args: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(resolve(cwd, arg)).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(resolve(cwd, arg))).filter((n) => n.endsWith('.json')).sort();
      if (names.length === 0) throw new CliError('ERR_CLI_FILE', `validate: ${arg} holds no *.json file: name flow files or a directory of them`);
      files.push(...names.map((n) => join(arg, n)));
    } else {
      files.push(arg);
    }
  }
  return files;
}

async function validateOne(file: string, registry: NodeRegistry, io: CliIo, quiet: boolean): Promise<number> {
  const result = validateFlowJson(await readArgumentFile(file, io.cwd), registry, file);
  if (!result.ok) {
    for (const problem of result.problems) io.stdout.write(formatProblem(file, problem));
    return result.problems.length;
  }
  const { flow } = result;
  const count = Object.keys(flow.nodes).length;
  if (!quiet) io.stdout.write(`${file}: ok — ${flow.id} v${flow.version}, ${count} node${count === 1 ? '' : 's'}\n`);
  return 0;
}

export const validate: Command = {
  name: 'validate',
  summary: 'check flow files and print every problem with its JSON pointer',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('validate', ['plugin', 'quiet', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: { plugin: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (positionals.length === 0) throw new CliError('ERR_CLI_USAGE', 'validate: name at least one flow file, such as "waymark validate flows/*.json"');
    const files = await expand(positionals, io.cwd);
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    let problems = 0;
    let invalid = 0;
    for (const file of files) {
      const found = await validateOne(file, registry, io, values.quiet === true);
      problems += found;
      if (found > 0) invalid++;
    }
    if (invalid === 0) return EXIT.OK;
    io.stdout.write(`${problems} problem${problems === 1 ? '' : 's'} in ${invalid} of ${files.length} flow${files.length === 1 ? '' : 's'}\n`);
    return EXIT.PROBLEMS;
  },
};
