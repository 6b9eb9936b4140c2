import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import express from 'express';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startMcpServer, type TestMcpServer } from './support/mcp-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

/*
 * Both wire formats through one gateway: the 2025 one (initialize, Mcp-Session-Id) with the
 * SDK's client and a session-keeping SDK server, and the 2026-07-28 one (no initialize; every
 * POST mirrors `Mcp-Method` / `Mcp-Name`) against a hand-written 2026 upstream (the v1 SDK
 * refuses that protocol version; the v2 SDK is not in the registry list this build uses).
 */

interface Upstream2026 {
  url: string;
  seen: { headers: Record<string, string | string[] | undefined>; body: { method: string } }[];
  close(): Promise<void>;
}

async function start2026Upstream(): Promise<Upstream2026> {
  const app = express();
  const seen: Upstream2026['seen'] = [];
  app.post('/mcp', express.json(), (req, res) => {
    seen.push({ headers: req.headers, body: req.body as { method: string } });
    const { id, method, params } = req.body as { id: number; method: string; params?: { name?: string } };
    res.json({
      jsonrpc: '2.0',
      id,
      result:
        method === 'tools/list'
          ? {
              tools: [
                { name: 'get_balance', inputSchema: { type: 'object' } },
                { name: 'transfer_funds', inputSchema: { type: 'object' } },
              ],
              resultType: 'complete',
            }
          : { content: [{ type: 'text', text: `ran ${params?.name}` }], resultType: 'complete' },
    });
  });
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    seen,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('wire formats', () => {
  let as: TestAuthServer;
  let stateful: TestMcpServer;
  let modern: Upstream2026;
  let gw: RunningGateway;
  const route = (name: string, path: string, upstream: string) => ({
    kind: 'mcp',
    name,
    path,
    upstream,
    token: { issuer: as.issuer, jwksUri: as.jwksUri },
    methodScopes: { '*': ['bank:read'] },
    toolScopes: { transfer_funds: ['bank:write'] },
    upstreamAuth: { type: 'api-key', header: 'x-api-key', value: 'upstream-key' },
  });
  const token = (sub: string, scope: string, path: string) => as.sign({ sub, client_id: 'agent', aud: `${gw.url}${path}`, scope });

  beforeAll(async () => {
    as = await startAuthServer({ agent: { secret: 's', sub: 'alice', scopes: ['bank:read'] } });
    stateful = await startMcpServer({ stateful: true });
    modern = await start2026Upstream();
    gw = await startGateway((publicUrl) => ({
      publicUrl,
      routes: [route('sessions', '/mcp/sessions', stateful.url), route('modern', '/mcp/modern', modern.url)],
    }));
  });
  afterAll(async () => {
    await gw.close();
    await stateful.close();
    await modern.close();
    await as.close();
  });

  describe('2025 (initialize, Mcp-Session-Id)', () => {
    it('carries the session both ways, with an API key upstream instead of the agent token', async () => {
      const agentToken = await token('alice', 'bank:read', '/mcp/sessions');
      const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/sessions`), {
        requestInit: { headers: { authorization: `Bearer ${agentToken}` } },
      });
      const client = new Client({ name: 'agent', version: '1' });
      await client.connect(transport);
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      const result = await client.callTool({ name: 'get_balance', arguments: { account: 'a' } });
      expect(result.content).toEqual([{ type: 'text', text: 'balance of a: 1200' }]);
      expect(stateful.authorizations.every((a) => a === undefined)).toBe(true);

      // Another subject cannot ride alice's session.
      const mallory = await token('mallory', 'bank:read', '/mcp/sessions');
      const before = stateful.calls.length;
      const hijack = await fetch(`${gw.url}/mcp/sessions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${mallory}`,
          'mcp-session-id': transport.sessionId ?? '',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'get_balance', arguments: { account: 'a' } } }),
      });
      expect(hijack.status).toBe(404);
      expect(stateful.calls.length).toBe(before);
      await transport.terminateSession();
      await client.close();
    });
  });

  describe('2026-07-28 (Mcp-Method / Mcp-Name, no initialize)', () => {
    const call = async (headers: Record<string, string>, body: object, scope = 'bank:read') =>
      fetch(`${gw.url}/mcp/modern`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token('alice', scope, '/mcp/modern')}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const toolsCall = (name: string) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name, arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
    });

    it('forwards a call whose headers mirror the body, headers included, without a session', async () => {
      const res = await call({ 'mcp-method': 'tools/call', 'mcp-name': 'get_balance' }, toolsCall('get_balance'));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ result: { content: [{ text: 'ran get_balance' }] } });
      const last = modern.seen.at(-1);
      expect(last?.headers).toMatchObject({ 'mcp-method': 'tools/call', 'mcp-name': 'get_balance', 'x-api-key': 'upstream-key' });
      expect(last?.headers.authorization).toBeUndefined();
    });

    it('decodes a base64 Mcp-Name', async () => {
      const res = await call(
        { 'mcp-method': 'tools/call', 'mcp-name': `=?base64?${Buffer.from('get_balance').toString('base64')}?=` },
        toolsCall('get_balance'),
      );
      expect(res.status).toBe(200);
    });

    it.each([
      ["an Mcp-Name that is not the body's tool", { 'mcp-method': 'tools/call', 'mcp-name': 'get_balance' }, 'transfer_funds'],
      ['no Mcp-Name', { 'mcp-method': 'tools/call' }, 'get_balance'],
      ['no Mcp-Method', { 'mcp-name': 'get_balance' }, 'get_balance'],
      ["an Mcp-Method that is not the body's", { 'mcp-method': 'tools/list', 'mcp-name': 'get_balance' }, 'get_balance'],
    ])('answers %s with 400 and -32020, forwarding nothing', async (_what, headers, tool) => {
      const before = modern.seen.length;
      const res = await call(headers, toolsCall(tool));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32020);
      expect(modern.seen.length).toBe(before);
    });

    it('applies the per-tool scopes and filters tools/list in this format too', async () => {
      const denied = await call({ 'mcp-method': 'tools/call', 'mcp-name': 'transfer_funds' }, toolsCall('transfer_funds'));
      expect(denied.status).toBe(403);
      const list = await call({ 'mcp-method': 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
      expect(((await list.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(['get_balance']);
    });
  });
});
