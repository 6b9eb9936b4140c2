import { parseEnv } from 'node:util';
import { CliError } from './errors.js';
import { secretEnvName } from './server/start-server.js';

/** Resolves the named secrets flows reference by `secretName` (services.secretSource). */
export interface NamedSecretSource {
  get(name: string): string | undefined;
}

/**
 * The named secrets of `waymark run`, first match wins: `--secret <name>=<value>` (the name a
 * flow gives as `secretName`), then the `--env-file`'s `WAYMARK_SECRET_<NAME>` lines, then the
 * environment's, which is where `waymark serve` reads them (`remember-me-key` →
 * `WAYMARK_SECRET_REMEMBER_ME_KEY`), so one env file serves both commands. Values are never
 * printed.
 *
 * @example
 * const source = runSecretSource({ flags: ['remember-me-key=...'], envFile: 'WAYMARK_SECRET_API_TOKEN=t\n', env: process.env });
 */
export function runSecretSource(input: { flags: readonly string[]; envFile?: string; envFileName?: string; env?: Readonly<Record<string, string | undefined>> }): NamedSecretSource {
  const named = new Map<string, string>();
  for (const flag of input.flags) {
    const eq = flag.indexOf('=');
    const name = eq === -1 ? '' : flag.slice(0, eq);
    const value = eq === -1 ? '' : flag.slice(eq + 1);
    if (name === '' || value === '') {
      throw new CliError('ERR_CLI_USAGE', `run: --secret takes <name>=<value>, the name a flow gives as "secretName" (such as remember-me-key=<32 random bytes, base64url>); got "${eq === -1 ? flag.slice(0, 40) : `${name}=…`}"`);
    }
    named.set(name, value);
  }
  let fromFile: Record<string, string | undefined> = {};
  if (input.envFile !== undefined) {
    try {
      fromFile = parseEnv(input.envFile);
    } catch (error) {
      throw new CliError('ERR_CLI_USAGE', `run: --env-file ${input.envFileName ?? ''} is not an env file of NAME=value lines (${(error as Error).message})`);
    }
  }
  const env = input.env ?? {};
  return Object.freeze({
    get(name: string): string | undefined {
      const key = secretEnvName(name);
      return named.get(name) ?? (fromFile[key] || undefined) ?? (env[key] || undefined);
    },
  });
}
