import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AdminClient } from './admin-client.js';
import { McpToolError } from './errors.js';
import { errorResult, jsonResult, type ToolContext, type ToolSpec } from './lib/tool.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { selectTools, type ToolFilter } from './safety.js';
import { Simulator } from './simulate.js';
import { catalogTools } from './tools/catalog.js';
import { clientTools } from './tools/clients.js';
import { flowTools } from './tools/flows.js';
import { operationTools } from './tools/operations.js';

/** Every tool of the server, reads and writes, in the order `tools/list` answers them. */
export const ALL_TOOLS: readonly ToolSpec[] = [...catalogTools, ...flowTools, ...operationTools, ...clientTools];

/** Options of {@link createWaymarkMcpServer}. */
export interface WaymarkMcpOptions extends ToolFilter {
  /** The admin API client, as the authenticated admin. */
  admin: AdminClient;
  /**
   * Also allow changes when the server runs in production mode — which the server must allow
   * too (`admin.allowWritesInProduction`). Default false: writes against production are refused.
   */
  allowProductionWrites?: boolean;
  /** The local engine `simulate_flow` runs on. Default: the built-in node types. */
  simulator?: Simulator;
}

/** What `GET /admin/v1/server` answers. */
interface ServerInfo {
  mode: 'production' | 'development';
  writes: boolean;
  allowWritesInProduction: boolean;
}

/* Keys whose values are secrets wherever they appear in an answer: removed, as a last line of defence. */
const SECRET_KEYS = new Set(['client_secret', 'password', 'access_token', 'refresh_token', 'id_token', 'authorization']);

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !SECRET_KEYS.has(k.toLowerCase()))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}

/**
 * Refuses a change against a production-mode server unless both sides allow it: the server
 * (`allowWritesInProduction`) and this MCP server (`allowProductionWrites`), the PingOne MCP
 * server's `AllowProductionEnvironmentWrite` rule. A server that does not say its mode is
 * treated as production.
 */
function writeGuard(admin: AdminClient, allowProductionWrites: boolean): () => Promise<void> {
  return async () => {
    let info: ServerInfo | undefined;
    try {
      info = (await admin.get<ServerInfo>('/server')).body;
    } catch (error) {
      if (!(error instanceof McpToolError && error.details.status === 404)) throw error;
    }
    if (info && !info.writes)
      throw new McpToolError(
        'ERR_MCP_ADMIN',
        'the Waymark server is read-only: its operator sets "admin": { "writes": true } to allow changes; nothing was changed',
      );
    if (info?.mode !== 'production') return;
    if (!info.allowWritesInProduction || !allowProductionWrites)
      throw new McpToolError(
        'ERR_MCP_PRODUCTION_WRITE',
        `the Waymark server runs in production mode: changes need both "admin": { "allowWritesInProduction": true } on the server${info.allowWritesInProduction ? ' (set)' : ''} and --allow-production-writes on this MCP server${allowProductionWrites ? ' (set)' : ''}; nothing was changed. Change a development server instead, and promote through review`,
      );
  };
}

/**
 * Waymark's MCP server: tools to build, test and operate journeys over the admin API, the node
 * docs and flow schema as resources, and the "build a flow" / "debug a failed journey"
 * prompts. Read-only unless `allowWrites` (the write tools are then not registered at all).
 *
 * @example
 * const admin = new AdminClient({ url: 'http://localhost:3000', token: () => process.env.WAYMARK_ADMIN_TOKEN!, sessionId: newSessionId() });
 * const server = createWaymarkMcpServer({ admin });
 * await server.connect(new StdioServerTransport());
 */
export function createWaymarkMcpServer(options: WaymarkMcpOptions): McpServer {
  const tools = selectTools(ALL_TOOLS, options);
  const server = new McpServer(
    { name: 'waymark', title: 'Waymark', version: '0.1.0' },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        'Waymark orchestrates identity journeys: flows of typed nodes joined by named outcomes. Build a flow with list_node_types → get_node_type → validate_flow → simulate_flow → save_flow (dry run, then confirm: true) → activate_flow_version. Investigate with query_journeys, get_journey_trace, query_audit_events and get_flow_funnel.',
    },
  );
  const ctx: ToolContext = {
    admin: options.admin,
    simulator: options.simulator ?? new Simulator(),
    guardWrite: writeGuard(options.admin, options.allowProductionWrites === true),
  };
  for (const tool of tools)
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: unknown) => {
        try {
          return jsonResult(withoutSecrets(await tool.run(args as never, ctx)));
        } catch (error) {
          return errorResult(error);
        }
      },
    );
  registerResources(server, () => options.admin);
  registerPrompts(server);
  return server;
}
