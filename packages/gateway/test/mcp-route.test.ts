import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { decodeJwt } from 'jose';
import { createAuditor } from '@waymark/core';
import type { AuditEvent } from '@waymark/sdk';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startMcpServer, type TestMcpServer } from './support/mcp-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { connectPkceAgent, withSignIn } from './support/pkce-agent.js';

describe('an mcp route, with the SDK client and server', () => {
  let as: TestAuthServer;
  let upstream: TestMcpServer;
  let gw: RunningGateway;
  const events: AuditEvent[] = [];
  const mcpUrl = () => new URL(`${gw.url}/mcp/bank`);

  beforeAll(async () => {
    as = await startAuthServer({
      agent: { secret: 'agent-secret', sub: 'alice', scopes: ['bank:read', 'bank:write'] },
      reader: { secret: 'reader-secret', sub: 'bob', scopes: ['bank:read'] },
      gateway: { secret: 'gw-secret', sub: 'gateway', scopes: [] },
    });
    upstream = await startMcpServer();
    gw = await startGateway(
      (publicUrl) => ({
        publicUrl,
        routes: [
          {
            kind: 'mcp',
            name: 'bank',
            path: '/mcp/bank',
            upstream: upstream.url,
            token: { issuer: as.issuer, jwksUri: as.jwksUri },
            scopesSupported: ['bank:read'],
            methodScopes: { '*': ['bank:read'] },
            toolScopes: { transfer_funds: ['bank:write'] },
            deniedTools: ['close_account'],
            allowedOrigins: ['https://app.example'],
            upstreamAuth: {
              type: 'token-exchange',
              tokenEndpoint: as.tokenEndpoint,
              clientId: 'gateway',
              clientSecret: 'gw-secret',
              audience: 'bank-upstream',
            },
          },
        ],
      }),
      { audit: createAuditor([(e) => void events.push(e)]) },
    );
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
    await as.close();
  });

  async function connect(clientId: string, secret: string): Promise<{ client: Client; provider: ClientCredentialsProvider }> {
    const provider = new ClientCredentialsProvider({ clientId, clientSecret: secret, expectedIssuer: as.issuer });
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider }));
    return { client, provider };
  }

  it('answers 401 with resource_metadata without a token, and serves the metadata (RFC 9728)', async () => {
    const res = await fetch(mcpUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metaUrl = `${gw.url}/.well-known/oauth-protected-resource/mcp/bank`;
    expect(challenge).toContain(`resource_metadata="${metaUrl}"`);
    expect(challenge).not.toContain('error=');
    const meta = (await (await fetch(metaUrl)).json()) as Record<string, unknown>;
    expect(meta).toEqual({
      resource: `${gw.url}/mcp/bank`,
      authorization_servers: [as.issuer],
      scopes_supported: ['bank:read'],
      bearer_methods_supported: ['header'],
    });
  });

  it('discovery → client credentials → token for this resource → tools/list filtered → tools/call allowed; the upstream never sees the agent token', async () => {
    const before = upstream.authorizations.length;
    const { client, provider } = await connect('reader', 'reader-secret');
    const token = provider.tokens()?.access_token ?? '';
    expect(decodeJwt(token).aud).toBe(`${gw.url}/mcp/bank`);
    const { tools } = await client.listTools();
    // transfer_funds needs bank:write (the reader lacks it); close_account is denied: both invisible.
    expect(tools.map((t) => t.name).sort()).toEqual(['count', 'get_balance']);
    const result = await client.callTool({ name: 'get_balance', arguments: { account: 'acct-1' } });
    expect(result.content).toEqual([{ type: 'text', text: 'balance of acct-1: 1200' }]);
    await client.close();
    const seen = upstream.authorizations.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const header of seen) {
      expect(header).not.toContain(token);
      // The mediated token: exchanged for the upstream's audience, the gateway acting (RFC 8693).
      const claims = decodeJwt((header ?? '').replace(/^Bearer /, ''));
      expect(claims).toMatchObject({ aud: 'bank-upstream', sub: 'bob', act: { sub: 'gateway' } });
    }
    // One exchange per agent token, cached for the following calls.
    expect(as.exchanges()).toBe(1);
  });

  it('refuses a denied tool as unknown, without forwarding it', async () => {
    const { client } = await connect('agent', 'agent-secret');
    const calls = upstream.calls.length;
    await expect(client.callTool({ name: 'close_account', arguments: {} })).rejects.toThrow(/Unknown tool: close_account/);
    expect(upstream.calls.length).toBe(calls);
    await client.close();
  });

  it('answers a missing scope with 403 insufficient_scope; the SDK client (PKCE) steps up and the call succeeds', async () => {
    const { client, provider, transport } = await connectPkceAgent(mcpUrl(), 'agent');
    // The 401's scope hint (scopes_supported) is all the first sign-in asked for.
    expect(decodeJwt(provider.tokens()?.access_token ?? '').scope).toBe('bank:read');
    const raw = await fetch(mcpUrl(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.tokens()?.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'transfer_funds', arguments: { to: 'bob', amount: 10 } },
      }),
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_scope", error_description="[^"]*", scope="bank:read bank:write", resource_metadata="/,
    );
    const result = await withSignIn(transport, provider, () =>
      client.callTool({ name: 'transfer_funds', arguments: { to: 'bob', amount: 10 } }),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'sent 10 to bob' }]);
    expect(decodeJwt(provider.tokens()?.access_token ?? '').scope).toBe('bank:read bank:write');
    await client.close();
  });

  it('answers a token for another audience with 401 invalid_token', async () => {
    const token = await as.sign({ sub: 'alice', client_id: 'agent', aud: 'https://other.example/mcp', scope: 'bank:read' });
    const res = await fetch(mcpUrl(), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]*audience[^"]*"/);
  });

  describe('request validation', () => {
    let token: string;
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(mcpUrl(), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body,
      });
    beforeAll(async () => {
      token = await as.sign({ sub: 'alice', client_id: 'agent', aud: `${gw.url}/mcp/bank`, scope: 'bank:read bank:write' });
    });

    it('answers a bad Origin with 403 and forwards nothing', async () => {
      const before = upstream.authorizations.length;
      const res = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(upstream.authorizations.length).toBe(before);
      const ok = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), { origin: 'https://app.example' });
      expect(ok.status).toBe(200);
    });

    it.each([
      ['not JSON', '{"jsonrpc":', 400, -32700],
      ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]', 400, -32600],
      ['no jsonrpc', '{"id":1,"method":"tools/list"}', 400, -32600],
      ['a tools/call without a name', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}', 400, -32602],
    ])('answers %s with a JSON-RPC error and forwards nothing', async (_what, body, status, code) => {
      const before = upstream.authorizations.length;
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(code);
      expect(upstream.authorizations.length).toBe(before);
    });

    it('answers a POST that does not accept an SSE stream with 406', async () => {
      const res = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), { accept: 'application/json' });
      expect(res.status).toBe(406);
    });

    it('writes one audit event per call: sub, act, client, tool, a hash of the arguments (never their values), decision, upstream status, ms', async () => {
      const acting = await as.sign({
        sub: 'alice',
        client_id: 'agent',
        act: { sub: 'agent-7' },
        aud: `${gw.url}/mcp/bank`,
        scope: 'bank:read',
      });
      const args = { account: 'acct-secret-42' };
      const res = await fetch(mcpUrl(), {
        method: 'POST',
        headers: { authorization: `Bearer ${acting}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'get_balance', arguments: args } }),
      });
      expect(res.status).toBe(200);
      await res.text();
      const event = events.find((e) => e.type === 'gateway.call' && e.actor === 'agent-7');
      expect(event).toMatchObject({
        type: 'gateway.call',
        outcome: 'permit',
        sub: 'alice',
        actor: 'agent-7',
        client_id: 'agent',
        target: 'bank',
        action: 'tools/call',
        tool: 'get_balance',
        argumentsHash: createHash('sha256').update(JSON.stringify(args)).digest('base64url'),
        upstreamStatus: 200,
      });
      expect(typeof event?.durationMs).toBe('number');
      expect(JSON.stringify(events)).not.toContain('acct-secret-42');
      const refused = events.filter((e) => e.outcome === 'forbidden_origin' || e.outcome === 'invalid');
      expect(refused.length).toBeGreaterThan(0);
    });

    it('counts calls per method and tool in Prometheus metrics', async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      expect(text).toMatch(/waymark_gateway_calls_total\{route="bank",method="tools\/call",tool="get_balance",decision="permit"\} [1-9]/);
      expect(text).toMatch(/waymark_gateway_call_duration_seconds_count\{route="bank",method="tools\/call",tool="get_balance"\} [1-9]/);
    });
  });

  it('streams SSE through unbuffered: a progress notification reaches the client before the answer exists', async () => {
    const { client } = await connect('agent', 'agent-secret');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'count', arguments: {} }, undefined, {
      onprogress: (p) => {
        progress.push(p.progress);
        // Only now may the tool answer: a gateway that buffered the stream would never get here.
        upstream.release();
      },
    });
    expect(progress).toEqual([1]);
    expect(result.content).toEqual([{ type: 'text', text: 'counted' }]);
    await client.close();
  });
});
