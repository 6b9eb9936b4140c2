import { parseArgs } from 'node:util';
import { benchEngine, formatEngineBench } from '../bench-engine.js';
import { parseOrUsage, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../io.js';

const usage = `Usage: waymark bench [--rounds <n>] [--journeys <n>]

Measures the engine's overhead per step on 10-node flows (one linear, one with a suspension),
next to a plain async loop doing the same node work in the same run, and the persisted size of
a suspended journey. Goal: at most 2 µs of engine overhead per step. The HTTP benchmarks
(handoff on memory and on Redis) run with \`npm run bench\` from a checkout.

Options:
  --rounds <n>    measured rounds, the median is printed (default 7)
  --journeys <n>  journeys per round (default 20000)
  -h, --help      show this help
`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError('ERR_CLI_USAGE', `bench: --${name} must be a positive whole number (got "${value}")`);
  return n;
}

export const bench: Command = {
  name: 'bench',
  summary: 'measure engine overhead per step against a plain loop',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOrUsage('bench', ['rounds', 'journeys', 'help'], () =>
      parseArgs({
        args: [...argv],
        options: { rounds: { type: 'string' }, journeys: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
      }),
    );
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.OK;
    }
    if (positionals.length > 0) throw new CliError('ERR_CLI_USAGE', `bench: takes no file arguments (got "${positionals[0]}")`);
    const result = await benchEngine({ rounds: positive('rounds', values.rounds, 7), journeys: positive('journeys', values.journeys, 20_000) });
    io.stdout.write(formatEngineBench(result));
    return EXIT.OK;
  },
};
