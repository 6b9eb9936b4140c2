import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { loadServerConfig } from '../server/config.js';
import { serverOpenApiDocument } from '../server/openapi-docs.js';
import { defaultConfigPath } from './serve.js';

const usage = `Usage: waymark openapi [--config <file.json>] [--out <file>]

Prints the OpenAPI 3.1 document of every endpoint \`waymark serve\` mounts for the
configuration (the one GET /openapi.json answers): the adapter (PAR, authorize, the journey
API, metadata, health, metrics), and the policies, the admin API and the OpenID Provider when
the config names them. The server URL is the issuer's origin. For publishing the reference.

Without --config it uses waymark.config.json in the current folder, else the shipped default.

Options:
  --config <file>  the configuration file (as for serve)
  --out <file>     write the document to this file instead of stdout
  -h, --help       show this help

Exit codes: 0 written, 2 usage error, invalid configuration or unwritable file.
`;

export const openapi: Command = {
  name: 'openapi',
  summary: 'print the OpenAPI 3.1 document of what serve mounts',
  usage,
  async run(argv, io) {
    const { values } = parseOrUsage('openapi', ['--config', '--out', '--help'], () =>
      parseArgs({
        args: [...argv],
        options: { config: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: false,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const file = values.config !== undefined ? resolve(io.cwd, values.config) : defaultConfigPath(io.cwd);
    if (!existsSync(file)) throw new CliError('ERR_CLI_FILE', `openapi: no config file at ${file}; pass --config <file>`);
    const text = `${JSON.stringify(serverOpenApiDocument(loadServerConfig(file, io.env ?? process.env)), null, 2)}\n`;
    if (values.out === undefined) {
      io.stdout.write(text);
      return EXIT.OK;
    }
    try {
      await writeFile(resolve(io.cwd, values.out), text);
    } catch (error) {
      throw new CliError(
        'ERR_CLI_FILE',
        `openapi: cannot write ${values.out} (${(error as { code?: string }).code ?? String(error)}): check the path`,
        {
          file: values.out,
        },
      );
    }
    return EXIT.OK;
  },
};
