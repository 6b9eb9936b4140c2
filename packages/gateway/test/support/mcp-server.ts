import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/*
 * The upstream of the tests: a real MCP server on @modelcontextprotocol/sdk (Streamable HTTP,
 * stateless or with 2025 sessions) with bank tools. It records every Authorization header it
 * receives, so a test can assert it never saw the agent's token.
 */

export interface TestMcpServer {
  url: string;
  /** Authorization headers received, in order. */
  authorizations: (string | undefined)[];
  /** Tool calls executed, in order. */
  calls: { name: string; args: unknown }[];
  /** The `count` tool waits on this before it answers (after its first progress notification). */
  release(): void;
  close(): Promise<void>;
}

function buildServer(seen: TestMcpServer, gate: { wait: () => Promise<void> }): McpServer {
  const server = new McpServer({ name: 'bank', version: '1.0.0' });
  server.registerTool(
    'get_balance',
    { description: 'the balance of an account', inputSchema: { account: z.string() } },
    async ({ account }) => {
      seen.calls.push({ name: 'get_balance', args: { account } });
      return { content: [{ type: 'text', text: `balance of ${account}: 1200` }] };
    },
  );
  server.registerTool(
    'transfer_funds',
    { description: 'moves money', inputSchema: { to: z.string(), amount: z.number() } },
    async ({ to, amount }) => {
      seen.calls.push({ name: 'transfer_funds', args: { to, amount } });
      return { content: [{ type: 'text', text: `sent ${amount} to ${to}` }] };
    },
  );
  server.registerTool('close_account', { description: 'closes the account', inputSchema: {} }, async () => {
    seen.calls.push({ name: 'close_account', args: {} });
    return { content: [{ type: 'text', text: 'closed' }] };
  });
  server.registerTool('count', { description: 'streams progress', inputSchema: {} }, async (_args, extra) => {
    seen.calls.push({ name: 'count', args: {} });
    const progressToken = extra._meta?.progressToken;
    if (progressToken !== undefined)
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 2 } });
    // The answer waits until the client saw the notification: only an unbuffered stream gets there.
    await gate.wait();
    return { content: [{ type: 'text', text: 'counted' }] };
  });
  return server;
}

export async function startMcpServer(options: { stateful?: boolean } = {}): Promise<TestMcpServer> {
  let open: () => void = () => undefined;
  let released = new Promise<void>((r) => (open = r));
  const gate = {
    wait: async () => {
      await released;
      released = new Promise<void>((r) => (open = r));
    },
  };
  const app = express();
  app.use(express.json());
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const seen: TestMcpServer = { url: '', authorizations: [], calls: [], release: () => open(), close: async () => undefined };
  app.all('/mcp', async (req, res) => {
    seen.authorizations.push(req.headers.authorization);
    if (!options.stateful) {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      const server = buildServer(seen, gate);
      res.on('close', () => void transport.close());
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      return;
    }
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      if (typeof id === 'string')
        return void res.status(404).json({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void sessions.set(sid, transport as StreamableHTTPServerTransport),
      });
      await buildServer(seen, gate).connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  seen.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  seen.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return seen;
}
