import type { Command } from '../command.js';
import { bench } from './bench.js';
import { gateway } from './gateway.js';
import { graph } from './graph.js';
import { importCommand } from './import.js';
import { mcp } from './mcp.js';
import { newNode } from './new-node.js';
import { openapi } from './openapi.js';
import { run } from './run.js';
import { schema } from './schema.js';
import { serve } from './serve.js';
import { studio } from './studio.js';
import { validate } from './validate.js';

/**
 * Every `waymark` subcommand, in the order `waymark --help` lists them. To add one, write
 * `commands/<name>.ts` exporting a `Command` ({ name, summary, usage, run(argv, io) }, see
 * `command.ts`), import it here and put it in the table at its hook below.
 */
export const commands: readonly Command[] = [
  validate,
  graph,
  run,
  schema,
  serve, // HOOK serve: `waymark serve` — the express adapter on its own (commands/serve.ts).
  gateway, // `waymark gateway`: the gateway as its own process (commands/gateway.ts).
  mcp, // `waymark mcp`: the MCP server over stdio (@waymark/mcp).
  studio, // HOOK studio: `waymark studio <folder>` — the studio over flow files, offline (commands/studio.ts).
  openapi, // HOOK openapi: `waymark openapi` — the OpenAPI document of what serve mounts (commands/openapi.ts).
  bench,
  newNode,
  importCommand, // `waymark import aic|davinci`: AIC/AM journeys and DaVinci flows in, Waymark flows and a report out (@waymark/import).
];
