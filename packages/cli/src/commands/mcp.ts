import { runStdio, STDIO_USAGE } from '@waymark/mcp';
import type { Command } from '../command.js';

/**
 * `waymark mcp --url <server>`: Waymark's MCP server over stdio (`@waymark/mcp`, the same as
 * `npx @waymark/mcp`), for an MCP host to spawn. stdout carries the MCP messages only.
 */
export const mcp: Command = {
  name: 'mcp',
  summary: "serve Waymark's MCP tools over stdio to an AI agent's host (the admin API of --url)",
  usage: STDIO_USAGE,
  run(argv, io) {
    return runStdio(argv, { env: io.env ?? process.env, stderr: io.stderr, stdout: io.stdout });
  },
};
