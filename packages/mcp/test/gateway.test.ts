import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decodeJwt } from 'jose';
import { startServer, type RunningServer } from '@waymark/cli';
import { agentSession } from './session.js';
import { PASSWORD, root, silent, Transcript } from './support.js';

/*
 * Waymark protecting its own MCP server: the gateway `mcp` route of packages/mcp/README.md
 * ("Behind the gateway"), merged into the shipped waymark.config.json as written (only the port
 * differs), in front of the server's own /mcp. Alice signs in at Waymark's provider (code +
 * PKCE) for the gateway's resource; the SDK's real client goes through the gateway, which
 * exchanges her token (RFC 8693, the gateway as actor) for one of the <issuer>/mcp audience.
 */

const ISSUER = 'http://localhost:3000';
const GATEWAY_RESOURCE = `${ISSUER}/agents/mcp`;
const GATEWAY_SECRET = 'waymark-gateway-demo-secret-of-at-least-32-chars';
const PAYMENTS_DEMO_SECRET = 'payments-api-demo-secret-of-at-least-32-chars';
let server: RunningServer;
let agentToken: string;
const open: Client[] = [];

/** The "Behind the gateway" snippet of the README, parsed. */
function readmeSnippet(): {
  clients: Record<string, unknown>[];
  oidc: { grants: Record<string, unknown>; resourceServers: Record<string, unknown> };
  admin: Record<string, unknown>;
  gateway: { config: { routes: Record<string, unknown>[] } };
} {
  const text = readFileSync(join(root, 'packages/mcp/README.md'), 'utf8');
  const match = /<!-- readme-test: gateway -->\s*```json\n([\s\S]*?)```/.exec(text);
  if (!match) throw new Error('packages/mcp/README.md has no gateway snippet');
  return JSON.parse(match[1]!);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const shipped = JSON.parse(readFileSync(join(root, 'waymark.config.json'), 'utf8')) as Record<string, unknown> & {
    clients: unknown[];
    admin: Record<string, unknown>;
    oidc: Record<string, unknown> & { resourceServers: Record<string, unknown> };
  };
  const snippet = readmeSnippet();
  // The shipped flows, copied: the file-backed flow store writes saved versions beside them.
  const folder = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'mcp-gateway-'));
  for (const f of readdirSync(join(root, 'flows')).filter((n) => n.endsWith('.json')))
    copyFileSync(join(root, 'flows', f), join(folder, f));
  const port = await freePort();
  const here = `http://127.0.0.1:${port}`;
  // What differs on this machine: where the server listens (the gateway reaches /mcp and the token endpoint there).
  const routes = JSON.parse(
    JSON.stringify(snippet.gateway.config.routes)
      .replace(`"upstream":"${ISSUER}/mcp"`, `"upstream":"${here}/mcp"`)
      .replace(`"tokenEndpoint":"${ISSUER}/oidc/token"`, `"tokenEndpoint":"${here}/oidc/token"`),
  ) as Record<string, unknown>[];
  const config = {
    ...shipped,
    flows: [folder],
    port,
    host: '127.0.0.1',
    clients: [...shipped.clients, ...snippet.clients],
    oidc: {
      ...shipped.oidc,
      grants: { ...((shipped.oidc.grants as object | undefined) ?? {}), ...snippet.oidc.grants },
      resourceServers: { ...shipped.oidc.resourceServers, ...snippet.oidc.resourceServers },
    },
    admin: { ...shipped.admin, ...snippet.admin },
    gateway: { ...snippet.gateway, config: { ...snippet.gateway.config, routes } },
  };
  server = await startServer(config as never, { logger: silent, env: { GATEWAY_CLIENT_SECRET: GATEWAY_SECRET }, baseDir: root });
  expect(server.url).toBe(here);
  process.env.WAYMARK_URL = server.url;
  const lib = (await import(join(root, 'scripts/walk/lib.mjs'))) as {
    ADMIN_APP: { clientId: string; redirectUri: string };
    signIn(print: (s: string) => void, o: Record<string, string>): Promise<{ access_token: string }>;
  };
  agentToken = (
    await lib.signIn(() => undefined, {
      ...lib.ADMIN_APP,
      scope: 'openid waymark:admin:read waymark:admin:write',
      resource: GATEWAY_RESOURCE,
    })
  ).access_token;
}, 60_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
});

async function throughGateway(token: string): Promise<Client> {
  const client = new Client({ name: 'waymark-test-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/agents/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  open.push(client);
  return client;
}

describe("Waymark's MCP server behind its gateway (the README's snippet, run as written)", () => {
  it("the agent's token is for the gateway only: /mcp refuses it, the gateway names its metadata and the provider", async () => {
    expect(decodeJwt(agentToken)).toMatchObject({ aud: 'waymark-gateway', sub: 'user-alice' });
    const direct = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${agentToken}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(direct.status).toBe(401);
    const anonymous = await fetch(`${server.url}/agents/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(
      `resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/agents/mcp"`,
    );
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-protected-resource/agents/mcp`)).json();
    expect(metadata).toMatchObject({ resource: GATEWAY_RESOURCE, authorization_servers: [`${ISSUER}/oidc`] });
  });

  it('lists the tools and calls a read tool through the gateway; /mcp acts on the token the gateway got by exchange', async () => {
    const client = await throughGateway(agentToken);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_flows', 'get_flow', 'save_flow']));
    const t = new Transcript(client);
    const flows = await t.call('list_flows');
    expect(flows.isError).toBe(false);
    expect(flows.json.flows.map((f: { id: string }) => f.id)).toContain('remember-me');
    // The admin API the tool called recorded the read as alice's, made with the token the gateway got by exchange.
    const reads = await t.call('query_audit_events', { type: 'admin.access', limit: 1000 });
    const listed = reads.json.events.filter((e: { sub?: string }) => e.sub === 'user-alice');
    expect(listed.length).toBeGreaterThan(0);
    // The token the admin API saw was issued to the gateway's client (the exchange), never the agent's (waymark-admin's).
    expect(listed.every((e: { client_id?: string }) => e.client_id === 'waymark-gateway')).toBe(true);
    // The gateway audited the calls as alice's.
    const calls = await t.call('query_audit_events', { type: 'gateway.call', limit: 1000 });
    expect(calls.json.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ sub: 'user-alice', target: 'waymark', tool: 'list_flows' })]),
    );
    t.expectNoSecrets([agentToken, GATEWAY_SECRET, PASSWORD]);
  });

  it('runs the scripted agent session through the gateway; no secret in any result', async () => {
    const t = new Transcript(await throughGateway(agentToken));
    await agentSession(t, server, { sub: 'user-alice', paymentsSecret: PAYMENTS_DEMO_SECRET });
    t.expectNoSecrets([agentToken, GATEWAY_SECRET, PASSWORD, PAYMENTS_DEMO_SECRET]);
  }, 60_000);
});
