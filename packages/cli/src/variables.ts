import { VARIABLE_NAME, type FlowVariables } from '@waymark/core';
import { CliError } from './errors.js';

/**
 * The flow variables of a CLI command (`{ "$var": "<name>" }` in node config): WAYMARK_VAR_<name>
 * from the environment, then `--var <name>=<value>` flags, which win. Values are strings here
 * (typed values belong in the serve config's `variables`).
 */
export function cliVariables(command: string, flags: readonly string[], env: Readonly<Record<string, string | undefined>>): FlowVariables {
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('WAYMARK_VAR_') && value) variables[key.slice('WAYMARK_VAR_'.length)] = value;
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq === -1 ? flag : flag.slice(0, eq);
    const value = eq === -1 ? '' : flag.slice(eq + 1);
    if (!VARIABLE_NAME.test(name) || value === '')
      throw new CliError(
        'ERR_CLI_USAGE',
        `${command}: --var takes <name>=<value>, the name a flow gives as { "$var": "<name>" } (a letter, then letters, digits, "_", "." or "-"), such as --var issuer=https://as.example; got "${name.slice(0, 40)}${eq === -1 ? '' : '=…'}"`,
      );
    variables[name] = value;
  }
  for (const name of Object.keys(variables))
    if (!VARIABLE_NAME.test(name))
      throw new CliError(
        'ERR_CLI_USAGE',
        `${command}: the environment variable WAYMARK_VAR_${name} does not name a flow variable: a letter, then letters, digits, "_", "." or "-"`,
      );
  return variables;
}
