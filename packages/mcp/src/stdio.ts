import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AdminClient, newSessionId } from './admin-client.js';
import { McpOptionsError } from './errors.js';
import { ignoredWrites } from './safety.js';
import { ALL_TOOLS, createWaymarkMcpServer } from './server.js';

export const STDIO_USAGE = `Usage: waymark mcp --url <server> [--allow-writes] [--allow-production-writes]
                   [--include-tools <names>] [--exclude-tools <names>]
       (or npx @waymark/mcp with the same options)

Waymark's MCP server over stdio, for an MCP host (Claude Desktop, Claude Code, VS Code…). It
calls the admin API of the Waymark server at --url as the admin whose access token it is given:
  WAYMARK_ADMIN_TOKEN        the token itself, or
  WAYMARK_ADMIN_TOKEN_FILE   a file holding it (read again at every call, so a refreshed token is used)
The token needs waymark:admin:read (and waymark:admin:write for changes); the agent never sees it.

Options:
  --url <server>              the Waymark server (also WAYMARK_URL), such as http://localhost:3000
  --allow-writes              also offer the write tools (save, activate, clients…). Default: read-only
  --allow-production-writes   allow writes against a production-mode server (which must allow them too)
  --include-tools <names>     only these tools or collections (catalog, flows, operations, clients), comma-separated
  --exclude-tools <names>     never these; wins over --include-tools
  -h, --help                  show this help
`;

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** The options of a stdio server from its arguments and environment; a bad one throws ERR_MCP_OPTIONS naming it. */
export function stdioOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        'allow-writes': { type: 'boolean' },
        'allow-production-writes': { type: 'boolean' },
        'include-tools': { type: 'string' },
        'exclude-tools': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new McpOptionsError('arguments', `${(error as Error).message}; see --help`);
  }
  const v = parsed.values;
  if (v.help) return { help: true as const };
  const url = v.url ?? env.WAYMARK_URL;
  if (url === undefined || !URL.canParse(url))
    throw new McpOptionsError('--url', 'give the Waymark server, such as --url http://localhost:3000 (or WAYMARK_URL)');
  const file = env.WAYMARK_ADMIN_TOKEN_FILE;
  const fixed = env.WAYMARK_ADMIN_TOKEN;
  if (!fixed && !file)
    throw new McpOptionsError('WAYMARK_ADMIN_TOKEN', 'set it to an admin access token, or WAYMARK_ADMIN_TOKEN_FILE to a file holding one');
  const token = () => {
    if (fixed) return fixed;
    try {
      return readFileSync(file!, 'utf8').trim();
    } catch {
      throw new McpOptionsError('WAYMARK_ADMIN_TOKEN_FILE', `cannot read ${file}: name a readable file holding the admin access token`);
    }
  };
  if (file && !fixed) token(); // an unreadable file fails at start-up, not at the first call
  const include = list(v['include-tools']);
  const exclude = list(v['exclude-tools']);
  return {
    help: false as const,
    url,
    token,
    allowWrites: v['allow-writes'] === true,
    allowProductionWrites: v['allow-production-writes'] === true,
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
  };
}

/**
 * Runs the MCP server on stdin/stdout (MCP 2025-11-25 "stdio" transport: credentials from the
 * environment, messages on stdout, logs on stderr only).
 */
export async function runStdio(
  argv: readonly string[],
  io: { env: Readonly<Record<string, string | undefined>>; stderr: { write(s: string): unknown }; stdout?: { write(s: string): unknown } },
): Promise<number> {
  let options;
  try {
    options = stdioOptions(argv, io.env);
  } catch (error) {
    io.stderr.write(`waymark mcp: ${(error as { code?: string }).code ?? 'ERR_MCP_OPTIONS'}: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.help) {
    (io.stdout ?? io.stderr).write(STDIO_USAGE);
    return 0;
  }
  const admin = new AdminClient({ url: options.url, token: options.token, sessionId: newSessionId() });
  let server;
  try {
    server = createWaymarkMcpServer({ ...options, admin });
  } catch (error) {
    io.stderr.write(`waymark mcp: ${(error as { code?: string }).code ?? 'ERR_MCP_OPTIONS'}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const name of ignoredWrites(ALL_TOOLS, options))
    io.stderr.write(`waymark mcp: --include-tools names the write tool ${name}, which is not offered without --allow-writes\n`);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  io.stderr.write(
    `waymark mcp: serving ${options.url} over stdio (${options.allowWrites ? 'writes allowed' : 'read-only'}, session ${admin.sessionId})\n`,
  );
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  return 0;
}
