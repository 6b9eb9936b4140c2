import { WaymarkError } from '@waymark/sdk';
import type { Command } from './command.js';
import { commands as defaultCommands } from './commands/index.js';
import { EXIT, type CliIo } from './io.js';
import { didYouMean } from './suggest.js';

function topLevelHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: waymark <command> [options]',
    '',
    'Waymark validates, draws, runs and serves identity journeys (flows of typed nodes).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "waymark <command> --help" for the options of one command.',
    '',
  ].join('\n');
}

/**
 * Runs the `waymark` command line and returns the exit code: 0 done, 1 problems found, 2 the
 * command could not run as asked (the message names the code and the fix).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 */
export async function main(argv: readonly string[], io: CliIo, commands: readonly Command[] = defaultCommands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(`waymark: ERR_CLI_USAGE: name a command.\n\n${topLevelHelp(commands)}`);
    return EXIT.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topLevelHelp(commands));
    return EXIT.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`;
    const code = name.startsWith('-') ? 'ERR_CLI_USAGE' : 'ERR_CLI_UNKNOWN_COMMAND';
    io.stderr.write(`waymark: ${code}: ${what}.${didYouMean(name, commands.map((c) => c.name))} Run "waymark --help" for the commands.\n`);
    return EXIT.USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (!(error instanceof WaymarkError)) throw error;
    io.stderr.write(`waymark: ${error.code}: ${error.message}\n`);
    return EXIT.USAGE;
  }
}
