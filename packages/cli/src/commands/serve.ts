import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';
import { loadServerConfig } from '../server/config.js';
import { startServer } from '../server/start-server.js';

const usage = `Usage: waymark serve [--config <file.json>] [--port <port>]

Runs Waymark: the HTTP adapter (PAR, authorize, the journey API, metadata, health and
metrics) and the parts its config names (OpenID Provider, policies, admin API, audit trail).
Memory stores (one process) unless the config's "redis" (or WAYMARK_REDIS_URL) names a Redis,
which lets several processes share journeys. Stops on SIGTERM or SIGINT.
Flows and clients are live: a change saved in the flow or client store (the flow files, or
Redis) is served within a second without a restart. SIGHUP reads the flow files again; in
development mode (the config's "mode", else NODE_ENV not "production") an edited flow file is
picked up by itself. A flow file that fails validation is refused (logged) and the running
version keeps serving.

Without --config it uses waymark.config.json in the current folder, else the shipped default
(the repository's waymark.config.json: the shipped flows and demo clients on
http://127.0.0.1:3000).

Config (JSON; relative paths from the file's folder):
  { "issuer": "http://localhost:3000", "host": "127.0.0.1", "port": 3000,
    "flows": ["flows"], "clients": [ ... ] | "clientsFile": "clients.json",
    "plugins": [], "secretKeys": [], "trustedProxies": [],
    "services": { "usersFile": "users.json" } }
  Optional parts:
    "oidc": { "clients": [ ... ], "jwksFile"?, "cookieKeys"?, "resourceServers"?, "path"?: "/oidc" }
      an OpenID Provider at <issuer>/oidc (keys generated per process without jwksFile)
    "policies": { "file": "policies.json" } | { "config": { ... } }, "jwt"?
      transactional authorization: POST /policies/evaluate and the step-up
    "admin": { "issuers": [{ "issuer": "https://as.example" }], "writes"?: false, "audience"?,
               "allowWritesInProduction"?: false, "rateLimit"? }
      the admin API at /admin/v1 (bearer tokens, scopes waymark:admin:read / write); none without it
    "audit": { "store"?: true, "capacity"?: 10000, "retentionSeconds"?, "log"?: false, "journeyLog"? }
      audit events and the journey log (on by default: memory, or Redis with "redis")
    "gateway": { "file": "gateway.json" } | { "config": { "routes": [ ... ], "policies"? } }
      the gateway in front of MCP servers and APIs (packages/gateway); its file is followed live
      (see also waymark gateway --config, the gateway as its own process)
  secretKeys may also come from WAYMARK_SECRET_KEYS (comma-separated, 32 bytes base64url each).
  "tls": { "cert": "cert.pem", "key": "key.pem" } or "self-signed" (development): https.
  "mode": "development" (default) or "production" (default with NODE_ENV=production; the key
    wins): production refuses random keys, the provider's generated keys, "demo": true clients,
    the console one-time-code notifier, a non-loopback http issuer, a self-signed certificate
    and admin writes without "allowWritesInProduction" (ERR_PRODUCTION_REFUSED).
  Abuse limits (defaults shown; false turns a rate limit off):
    "parRateLimit": { "max": 60, "clientMax": 6000, "windowSeconds": 60 },
    "journeyStartRateLimit": { "max": 60, "clientMax": 6000, "windowSeconds": 60 },
    "authFailureRateLimit": { "max": 20, "windowSeconds": 600 },
    "maxLiveJourneys": 20000 (memory stores only),
    "http": { "headersTimeout": 10000, "requestTimeout": 30000, "keepAliveTimeout": 5000,
              "maxRequestsPerSocket": 0 } (milliseconds)

Options:
  --config <file>  the configuration file
  --port <port>    listen on this TCP port instead of the config's "port" (also: PORT=<port>;
                   the flag wins over the variable, both over the file; 0 picks a free port)
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 2 the configuration is invalid, production mode refuses it,
or the port is taken.
`;

/** The shipped default: waymark.config.json at the repository root (three levels above dist/commands). */
export function defaultConfigPath(cwd: string): string {
  const local = resolve(cwd, 'waymark.config.json');
  if (existsSync(local)) return local;
  return fileURLToPath(new URL('../../../../waymark.config.json', import.meta.url));
}

/** `--port` or `PORT`, checked: an integer 0..65535 (0 picks a free port), else ERR_CLI_USAGE naming which. */
export function portOverride(flag: string | undefined, variable: string | undefined): number | undefined {
  const [raw, source] =
    flag !== undefined ? [flag, '--port'] : variable !== undefined && variable !== '' ? [variable, 'PORT'] : [undefined, ''];
  if (raw === undefined) return undefined;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new CliError(
      'ERR_CLI_USAGE',
      `serve: ${source} must be a TCP port from 0 to 65535 (got ${JSON.stringify(raw)}); 0 picks a free port`,
    );
  return port;
}

/** Resolves when the process is asked to stop. */
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

export const serve: Command = {
  name: 'serve',
  summary: 'run the HTTP adapter (PAR, authorize, journey API) on its own',
  usage,
  async run(argv, io) {
    const { values } = parseOrUsage('serve', ['--config', '--port', '--help'], () =>
      parseArgs({
        args: [...argv],
        options: { config: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: false,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    const file = values.config !== undefined ? resolve(io.cwd, values.config) : defaultConfigPath(io.cwd);
    if (!existsSync(file)) throw new CliError('ERR_CLI_FILE', `serve: no config file at ${file}; pass --config <file>`);
    const port = portOverride(values.port, (io.env ?? process.env).PORT);
    const loaded = loadServerConfig(file);
    const config = port === undefined ? loaded : { ...loaded, port };
    const server = await startServer(config, { print: (line) => io.stdout.write(`${line}\n`) });
    // SIGHUP: read the flow files again (in any mode); a file that fails validation is refused and logged.
    const onHangUp = () => {
      io.stdout.write('SIGHUP: reloading flow files\n');
      void server.live
        .reloadFiles()
        .then((outcomes) => io.stdout.write(`flow files reloaded: ${outcomes.map((o) => o.action).join(', ')}\n`));
    };
    process.on('SIGHUP', onHangUp);
    const signal = await untilSignal();
    process.off('SIGHUP', onHangUp);
    io.stdout.write(`${signal}: shutting down\n`);
    await server.close();
    return EXIT.OK;
  },
};
