import { didYouMeanFlag } from './suggest.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * One `waymark <name>` subcommand. `run` returns the exit code (see `EXIT`); it throws
 * `CliError` (or any `WaymarkError`) for usage problems, which `main` prints with exit 2.
 */
export interface Command {
  name: string;
  /** One line for `waymark --help`. */
  summary: string;
  /** The full `waymark <name> --help` text. */
  usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/**
 * Runs a `util.parseArgs` call and turns its errors (unknown flag, missing value) into
 * `ERR_CLI_USAGE` naming the fix.
 */
export function parseOrUsage<T>(command: string, flags: readonly string[], parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // Not `instanceof Error`: parseArgs errors may come from another realm (jest's vm).
    const full = typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : String(error);
    const message = full.split('. ')[0] ?? full;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    const hint = unknown === undefined ? '' : didYouMeanFlag(unknown, flags);
    throw new CliError('ERR_CLI_USAGE', `${command}: ${message}.${hint} Run "waymark ${command} --help" for its options.`);
  }
}
