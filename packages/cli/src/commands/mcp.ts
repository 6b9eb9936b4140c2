import type { Command } from '../command.js';

/**
 * `waymark mcp --url <server>`: Waymark's MCP server over stdio (`@waymark/mcp`, the same as
 * `npx @waymark/mcp`), for an MCP host to spawn. stdout carries the MCP messages only. The
 * package (and the MCP SDK under it) is loaded only when this command runs, so every other
 * command starts as fast as before.
 */
export const mcp: Command = {
  name: 'mcp',
  summary: "serve Waymark's MCP tools over stdio to an AI agent's host (the admin API of --url)",
  usage: 'Usage: waymark mcp --url <server> [options] (waymark mcp --help lists them)\n',
  async run(argv, io) {
    const { runStdio } = await import('@waymark/mcp');
    return runStdio(argv, { env: io.env ?? process.env, stderr: io.stderr, stdout: io.stdout });
  },
};
