import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { flowSchemaForTypes } from '@waymark/core';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { createCliRegistry } from '../registry.js';

const usage = `Usage: waymark schema [--plugin <package>]... [--out <file>]

Prints the flow JSON Schema with each registered node type's config typed by its "type" (one
if/then per type), so an editor completes and checks a node's config as soon as its type is
set. The built-in types are always in it; add plugin types with --plugin and point a flow's
"$schema" at the file written. The published @waymark/core/flow.schema.json is this output for
the built-in types.

Options:
  --plugin <package>  also type the node types of this plugin package (repeatable)
  --out <file>        write the schema to this file instead of stdout
  -h, --help          show this help

Exit codes: 0 written, 2 usage error, plugin load failure or unwritable file.
`;

export const schema: Command = {
  name: 'schema',
  summary: "print the flow JSON Schema with every node type's config typed, for editors",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('schema', ['plugin', 'out', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: { plugin: { type: 'string', multiple: true }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (positionals.length > 0)
      throw new CliError('ERR_CLI_USAGE', `schema: takes no file argument (got "${positionals[0]}"); write to a file with --out <file>`);
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    const text = JSON.stringify(flowSchemaForTypes(registry.list()), null, 2) + '\n';
    if (values.out === undefined) {
      io.stdout.write(text);
      return EXIT.OK;
    }
    try {
      await writeFile(resolve(io.cwd, values.out), text);
    } catch (error) {
      throw new CliError(
        'ERR_CLI_FILE',
        `schema: cannot write ${values.out} (${(error as { code?: string }).code ?? String(error)}): check the path`,
        { file: values.out },
      );
    }
    return EXIT.OK;
  },
};
