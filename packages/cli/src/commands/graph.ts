import { parseArgs } from 'node:util';
import { validateFlowJson } from '@waymark/core';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatProblem, readArgumentFile } from '../flow-file.js';
import { EXIT } from '../io.js';
import { toMermaid } from '../mermaid.js';
import { createCliRegistry } from '../registry.js';

const usage = `Usage: waymark graph [--plugin <package>]... <flow.json>

Prints the flow as a Mermaid flowchart (paste it into a Markdown file, GitHub renders it):
nodes labelled with id and type, edges with outcome names, success and failure as terminals.
An invalid flow is not drawn: its problems go to stderr, as "waymark validate" prints them.

Options:
  --plugin <package>  also load the node types of this plugin package (repeatable)
  -h, --help          show this help

Exit codes: 0 printed, 1 the flow has problems, 2 usage error or unreadable file.
`;

export const graph: Command = {
  name: 'graph',
  summary: 'print a flow as a Mermaid flowchart',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('graph', ['plugin', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: { plugin: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new CliError('ERR_CLI_USAGE', `graph: name exactly one flow file, such as "waymark graph flows/login.json" (got ${positionals.length})`);
    const text = await readArgumentFile(file, io.cwd);
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    const result = validateFlowJson(text, registry, file);
    if (!result.ok) {
      for (const problem of result.problems) io.stderr.write(formatProblem(file, problem));
      return EXIT.PROBLEMS;
    }
    io.stdout.write(toMermaid(result.flow));
    return EXIT.OK;
  },
};
