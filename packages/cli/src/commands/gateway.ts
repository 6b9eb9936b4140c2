import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { startGatewayProcess } from '../server/gateway-process.js';
import { portOverride } from './serve.js';

const usage = `Usage: waymark gateway --config <file.json> [--port <port>]

Runs the Waymark Gateway on its own, beside Waymark: a policy enforcement point in front of
MCP servers ("mcp" routes) and APIs ("api" routes); see packages/gateway/README.md.
The file is followed: a changed "gateway" section is checked and served within a second; a
change that fails the check is refused (logged) and the running routes stay.
Stops on SIGTERM or SIGINT.

Config (JSON):
  { "host"?: "127.0.0.1", "port"?: 8080,
    "redis"?: "redis://127.0.0.1:6379", "prefix"?: "waymark:",
    "gateway": { "publicUrl": "https://gw.example",
                 "routes": [ { "kind": "mcp", "name": "bank", "path": "/mcp/bank",
                               "upstream": "http://127.0.0.1:4000/mcp",
                               "token": { "issuer": "...", "jwksUri": "..." }, ... } ],
                 "policies"?: { ... }, "stepUpUrl"?: "https://login.example/policies/transactions/{txId}/stepup" } }
  With "redis", rate limits are shared by every gateway process, and step-up transactions live
  where Waymark's step-up pages complete them (use Waymark's Redis and prefix).
  GET /metrics answers the gateway's Prometheus metrics.

Options:
  --config <file>  the configuration file (required)
  --port <port>    listen on this port instead of the file's (also PORT=<port>)
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 2 the configuration is invalid.
`;

function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      done(signal);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

export const gateway: Command = {
  name: 'gateway',
  summary: 'run the gateway (MCP and API routes) as its own process',
  usage,
  async run(argv, io) {
    const { values } = parseOrUsage('gateway', ['--config', '--port', '--help'], () =>
      parseArgs({ args: [...argv], options: { config: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (values.config === undefined) throw new CliError('ERR_CLI_USAGE', 'gateway: --config <file> is required');
    const port = portOverride(values.port, (io.env ?? process.env).PORT);
    const running = await startGatewayProcess(resolve(io.cwd, values.config), { ...(port !== undefined ? { port } : {}) });
    io.stdout.write(`${running.gateway.description}\n`);
    io.stdout.write(`waymark gateway listening on ${running.url}\n`);
    const signal = await untilSignal();
    io.stdout.write(`${signal}: shutting down\n`);
    await running.close();
    return EXIT.OK;
  },
};
