import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateFlowJson, type FlowVariables, type NodeRegistry, type SubflowLookup } from '@waymark/core';
import { cliVariables } from '../variables.js';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatProblem, readArgumentFile } from '../flow-file.js';
import { EXIT, type CliIo } from '../io.js';
import { createCliRegistry } from '../registry.js';
import { flowSetLookup } from '../flow-set.js';

const usage = `Usage: waymark validate [--plugin <package>]... [--var <name>=<value>]... <file|directory>...

Checks flow files against the flow schema, the registered node types and their own graph,
and prints every problem as "file: /json/pointer CODE what is wrong and how to fix it".
A directory stands for the flow files directly inside it: the *.json files whose "$schema"
names flow.schema.json, or that have no "$schema" and a flow's "nodes" or "start"; the others
(a policies file, package.json) are listed as skipped. Files named one by one are always
validated as flows. Flows validated together are one set, as "serve" loads a folder: a
flow.run node must call one of them (and a version they hold), and no call may lead back to its
own flow. A single file leaves its flow.run targets to the load (only a call to itself is found).

Options:
  --plugin <package>  also load the node types of this plugin package (repeatable)
  --var <n>=<v>       the flow variable <n> ({ "$var": "<n>" } in node config; repeatable;
                      also WAYMARK_VAR_<n> from the environment)
  -q, --quiet         print problems only, not the line per valid flow
  -h, --help          show this help

Exit codes: 0 every flow is valid, 1 a flow has problems, 2 usage error or unreadable file.
`;

/** A file to validate, or one a directory held that is not a flow (and why). */
interface Target {
  file: string;
  /** Set when the file was found in a directory and is not a flow. */
  skipped?: string;
}

/**
 * Whether a file found in a directory is a flow: its `$schema` names the flow schema, or it has
 * none and has a flow's shape (`nodes` or `start`). A file that is not JSON counts as a flow, so
 * its syntax error is reported rather than hidden. Files named on the command line are always
 * validated.
 */
function notAFlow(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const doc = value as Record<string, unknown>;
  const schema = doc['$schema'];
  if (typeof schema === 'string')
    return /(^|\/)flow\.schema\.json$/.test(schema) ? undefined : `its "$schema" is ${JSON.stringify(schema)}, not the flow schema`;
  return 'nodes' in doc || 'start' in doc ? undefined : 'no "$schema" naming flow.schema.json, and no "nodes" or "start"';
}

/** Files named on the command line, with directories expanded to their flow *.json files (sorted). */
async function expand(args: readonly string[], cwd: string): Promise<Target[]> {
  const targets: Target[] = [];
  for (const arg of args) {
    const info = await stat(resolve(cwd, arg)).catch(() => undefined);
    if (!info?.isDirectory()) {
      targets.push({ file: arg });
      continue;
    }
    const names = (await readdir(resolve(cwd, arg))).filter((n) => n.endsWith('.json')).sort();
    const found: Target[] = [];
    for (const name of names) {
      const file = join(arg, name);
      const skipped = notAFlow(await readArgumentFile(file, cwd));
      found.push(skipped === undefined ? { file } : { file, skipped });
    }
    if (!found.some((t) => t.skipped === undefined)) {
      throw new CliError(
        'ERR_CLI_FILE',
        `validate: ${arg} holds no flow file (*.json with a flow "$schema", or "nodes"): name flow files or a directory of them`,
      );
    }
    targets.push(...found);
  }
  return targets;
}

async function validateOne(
  file: string,
  registry: NodeRegistry,
  io: CliIo,
  quiet: boolean,
  variables: FlowVariables,
  set: { texts: ReadonlyMap<string, string>; flows: SubflowLookup | undefined },
): Promise<number> {
  const result = validateFlowJson(set.texts.get(file) ?? (await readArgumentFile(file, io.cwd)), registry, file, { variables, flows: set.flows });
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
    const { values, positionals } = parseOrUsage('validate', ['plugin', 'var', 'quiet', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: {
          plugin: { type: 'string', multiple: true },
          var: { type: 'string', multiple: true },
          quiet: { type: 'boolean', short: 'q' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (positionals.length === 0)
      throw new CliError('ERR_CLI_USAGE', 'validate: name at least one flow file, such as "waymark validate flows/*.json"');
    const variables = cliVariables('validate', values.var ?? [], io.env ?? {});
    const targets = await expand(positionals, io.cwd);
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    let problems = 0;
    let invalid = 0;
    const files: string[] = [];
    // Read once; two flows or more are a set their flow.run nodes are checked against.
    const texts = new Map<string, string>();
    for (const { file, skipped } of targets) if (skipped === undefined) texts.set(file, await readArgumentFile(file, io.cwd));
    const set = { texts, flows: texts.size > 1 ? flowSetLookup([...texts.values()]) : undefined };
    for (const { file, skipped } of targets) {
      if (skipped !== undefined) {
        if (!values.quiet) io.stdout.write(`${file}: skipped — not a flow (${skipped})\n`);
        continue;
      }
      files.push(file);
      const found = await validateOne(file, registry, io, values.quiet === true, variables, set);
      problems += found;
      if (found > 0) invalid++;
    }
    if (invalid === 0) return EXIT.OK;
    io.stdout.write(
      `${problems} problem${problems === 1 ? '' : 's'} in ${invalid} of ${files.length} flow${files.length === 1 ? '' : 's'}\n`,
    );
    return EXIT.PROBLEMS;
  },
};
