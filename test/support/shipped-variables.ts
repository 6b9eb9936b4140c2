import { readFileSync } from 'node:fs';

/**
 * The flow variables of the shipped waymark.config.json (`variables`: the token issuer, audience
 * and JWKS URL flows/session-transfer.json reads as `{ "$var": … }`): what a test that loads the
 * shipped flows gives its engine or server, as a deployment gives its own values.
 *
 * @example
 * await createEngine({ nodes: builtinNodes, variables: SHIPPED_VARIABLES });
 */
export const SHIPPED_VARIABLES: Readonly<Record<string, string>> = Object.freeze(
  (JSON.parse(readFileSync(new URL('../../waymark.config.json', import.meta.url), 'utf8')) as { variables: Record<string, string> })
    .variables,
);

/** The same variables as `--var <name>=<value>` flags of `waymark validate` / `waymark run`. */
export const SHIPPED_VARIABLE_FLAGS: readonly string[] = Object.entries(SHIPPED_VARIABLES).flatMap(([name, value]) => [
  '--var',
  `${name}=${value}`,
]);
