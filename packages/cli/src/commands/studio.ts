import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { createCliRegistry } from '../registry.js';
import { startLocalStudio } from '../studio/local-studio.js';
import { portOverride } from './serve.js';
import { cliVariables } from '../variables.js';

const usage = `Usage: waymark studio [--port <port>] [--plugin <package>]... [--var <name>=<value>]... <folder>

Opens Waymark Studio over a folder of flow files, without a server: see each flow as a graph,
edit it (palette, forms, raw JSON), see its problems as you type (validated as "waymark validate"
does) and save it back to its file. Listens on 127.0.0.1 only. Journeys, funnels and activation
need "waymark serve" (the studio is at /studio there when the admin API is on).

Options:
  --port <port>       where to listen (default 4321; 0 picks a free port)
  --plugin <package>  also load the node types of this plugin package (repeatable)
  --var <n>=<v>       the flow variable <n> ({ "$var": "<n>" } in node config), as for
                      "waymark validate" (repeatable; WAYMARK_VAR_<n> is read too)
  -h, --help          show this help

Exit codes: 0 stopped by a signal, 2 usage error (no such folder, a bad port).
`;

export const studio: Command = {
  name: 'studio',
  summary: 'edit a folder of flow files in the browser (Waymark Studio, offline)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('studio', ['--port', '--plugin', '--var', '--help'], () =>
      parseArgs({
        args: [...argv],
        options: {
          port: { type: 'string' },
          plugin: { type: 'string', multiple: true },
          var: { type: 'string', multiple: true },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const [folder, ...extra] = positionals;
    if (folder === undefined || extra.length > 0)
      throw new CliError('ERR_CLI_USAGE', `studio: name exactly one folder of flow files, such as "waymark studio flows" (got ${positionals.length})`);
    const path = resolve(io.cwd, folder);
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new CliError('ERR_CLI_FILE', `studio: ${folder} is not a folder; name the folder of your flow files`, { file: folder });
    const variables = cliVariables('studio', values.var ?? [], io.env ?? {});
    const registry = await (io.registry ?? createCliRegistry)(values.plugin ?? [], io.cwd);
    const running = await startLocalStudio({ folder: path, registry, variables, port: portOverride(values.port, undefined) ?? 4321 });
    io.stdout.write(`waymark studio: ${running.url} (flow files of ${path}; Ctrl-C stops)\n`);
    const signal = await new Promise<string>((done) => {
      const stop = (s: string) => () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        done(s);
      };
      const onInt = stop('SIGINT');
      const onTerm = stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
    });
    io.stdout.write(`${signal}: closing the studio\n`);
    await running.close();
    return EXIT.OK;
  },
};
