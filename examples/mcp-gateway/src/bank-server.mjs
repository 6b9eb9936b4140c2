// The sample MCP server: a bank on @modelcontextprotocol/sdk (Streamable HTTP, stateless),
// tools get_balance and transfer_funds. It trusts the gateway's API key and refuses any
// Authorization header: the agent's token must never reach it (MCP: no token passthrough).
import { createServer } from 'node:http';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export const BANK_API_KEY = 'bank-upstream-key-for-the-demo';

export async function startBankServer() {
  const balances = new Map([['acct-alice', 12_000]]);
  const violations = [];
  const app = express();
  app.use(express.json());
  app.post('/mcp', async (req, res) => {
    // The assertion of the example: whatever the gateway forwards carries its key, never a bearer token.
    if (req.headers.authorization !== undefined || req.headers['x-api-key'] !== BANK_API_KEY) {
      violations.push({ authorization: req.headers.authorization !== undefined, apiKey: req.headers['x-api-key'] === BANK_API_KEY });
      return void res.status(401).json({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'only the gateway may call this server' } });
    }
    const server = new McpServer({ name: 'bank', version: '1.0.0' });
    server.registerTool('get_balance', { description: 'The balance of an account', inputSchema: { account: z.string() } }, async ({ account }) => ({
      content: [{ type: 'text', text: `${account}: ${balances.get(account) ?? 0} EUR` }],
    }));
    server.registerTool('transfer_funds', { description: 'Transfers money to another account', inputSchema: { from: z.string(), to: z.string(), amount: z.number().positive() } }, async ({ from, to, amount }) => {
      balances.set(from, (balances.get(from) ?? 0) - amount);
      balances.set(to, (balances.get(to) ?? 0) + amount);
      return { content: [{ type: 'text', text: `transferred ${amount} EUR from ${from} to ${to}` }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const http = createServer(app);
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}/mcp`,
    violations,
    close: () => new Promise((resolve) => (http.closeAllConnections(), http.close(resolve))),
  };
}
