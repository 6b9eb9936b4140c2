import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer, type RunningServer } from '@waymark/cli';
import { agentSession } from './session.js';
import { PASSWORD, root, silent, Transcript } from './support.js';

/*
 * The MCP server over streamable HTTP, mounted at /mcp by `waymark serve` (the shipped
 * waymark.config.json plus "admin": { "mcp": { "allowWrites": true } }), as an OAuth protected
 * resource: alice signs in at Waymark's own OpenID Provider (code + PKCE, scripts/walk/lib.mjs)
 * for the resource <issuer>/mcp, and the SDK's real Client runs the agent session with that
 * bearer token.
 */

const ISSUER = 'http://localhost:3000';
const RESOURCE = `${ISSUER}/mcp`;
const PAYMENTS_DEMO_SECRET = 'payments-api-demo-secret-of-at-least-32-chars';
let server: RunningServer;
let accessToken: string;
let readOnlyToken: string;
let adminToken: string;
const open: Client[] = [];

beforeAll(async () => {
  const config = JSON.parse(readFileSync(join(root, 'waymark.config.json'), 'utf8')) as Record<string, unknown> & {
    admin: Record<string, unknown>;
    oidc: { resourceServers: Record<string, unknown> };
  };
  // The shipped flows, copied: the file-backed flow store writes saved versions beside them.
  const folder = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'mcp-http-'));
  for (const f of readdirSync(join(root, 'flows')).filter((n) => n.endsWith('.json')))
    copyFileSync(join(root, 'flows', f), join(folder, f));
  config.flows = [folder];
  config.port = 0;
  config.admin = { ...config.admin, mcp: { allowWrites: true } };
  config.oidc.resourceServers[RESOURCE] = {
    scopes: ['waymark:admin:read', 'waymark:admin:write'],
    clients: ['waymark-admin'],
    accessTokenTtl: 600,
  };
  server = await startServer(config as never, { logger: silent, env: {}, baseDir: root });
  process.env.WAYMARK_URL = server.url;
  const lib = (await import(join(root, 'scripts/walk/lib.mjs'))) as {
    ADMIN_APP: { clientId: string; redirectUri: string };
    signIn(print: (s: string) => void, o: Record<string, string>): Promise<{ access_token: string }>;
  };
  accessToken = (
    await lib.signIn(() => undefined, { ...lib.ADMIN_APP, scope: 'openid waymark:admin:read waymark:admin:write', resource: RESOURCE })
  ).access_token;
  readOnlyToken = (await lib.signIn(() => undefined, { ...lib.ADMIN_APP, scope: 'openid waymark:admin:read', resource: RESOURCE }))
    .access_token;
  adminToken = (
    await lib.signIn(() => undefined, {
      ...lib.ADMIN_APP,
      scope: 'openid waymark:admin:read waymark:admin:write',
      resource: `${ISSUER}/admin`,
    })
  ).access_token;
  // The stdio host configurations spawn the bin, which loads dist/ (CI builds before testing).
  if (!existsSync(join(root, 'packages/mcp/dist/bin.js'))) execFileSync('npx', ['tsc', '-b', 'packages/mcp'], { cwd: root });
}, 60_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server?.close();
});

async function connect(token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'waymark-test-agent', version: '1.0.0' });
  await client.connect(transport);
  open.push(client);
  return client;
}

describe('@waymark/mcp over streamable HTTP at /mcp (waymark serve)', () => {
  it('is an OAuth protected resource: 401 with the RFC 9728 metadata URL, and the metadata naming Waymark’s provider', async () => {
    const anonymous = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      `Bearer realm="waymark-mcp", resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`,
    );
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(metadata).toMatchObject({ resource: RESOURCE, authorization_servers: [`${ISSUER}/oidc`], bearer_methods_supported: ['header'] });
    // A token for the admin API is not a token for the MCP server (RFC 8707 audience).
    const forged = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer a.b.c' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it("runs the scripted agent session with a token from Waymark's own provider; no secret in any result", async () => {
    const t = new Transcript(await connect(accessToken));
    await agentSession(t, server, { sub: 'user-alice', paymentsSecret: PAYMENTS_DEMO_SECRET });
    t.expectNoSecrets([accessToken, PASSWORD, PAYMENTS_DEMO_SECRET]);
  }, 60_000);

  it('limits the tools by the token: a read-only token’s session lists no write tool, and a write attempted anyway changes nothing', async () => {
    const client = await connect(readOnlyToken);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('list_flows');
    expect(names).not.toContain('disable_client');
    const t = new Transcript(client);
    const refused = await t.call('disable_client', { clientId: 'web-app' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/disable_client not found/);
    expect((await t.call('get_client', { clientId: 'web-app' })).json.enabled).toBe(true);
    t.expectNoSecrets([readOnlyToken]);
  });
});

interface HostServer {
  type?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

/** The host configurations of the README, in order, each marked `<!-- readme-test: stdio|http -->`. */
function readmeConfigs(): { kind: string; server: HostServer }[] {
  const text = readFileSync(join(root, 'packages/mcp/README.md'), 'utf8');
  return [...text.matchAll(/<!-- readme-test: (stdio|http) -->\s*```json\n([\s\S]*?)```/g)].map(([, kind, json]) => {
    const config = JSON.parse(json!) as { mcpServers?: Record<string, HostServer>; servers?: Record<string, HostServer> };
    return { kind: kind!, server: (config.mcpServers ?? config.servers)!.waymark! };
  });
}

describe('packages/mcp/README.md host configurations, run as written', () => {
  it('starts every stdio and HTTP configuration the README shows and lists the tools it says', async () => {
    const configs = readmeConfigs();
    expect(configs.map((c) => c.kind)).toEqual(['stdio', 'stdio', 'stdio', 'http']);
    // What differs on this machine: where the token file is, where the clone is, the port.
    const folder = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'mcp-readme-'));
    writeFileSync(join(folder, 'admin-token'), adminToken, { mode: 0o600 });
    const here = (v: string) =>
      v
        .replace('/home/you/.waymark/admin-token', join(folder, 'admin-token'))
        .replace('/home/you/waymark/', root)
        .replace(ISSUER, server.url);
    const listed: string[][] = [];
    for (const { kind, server: host } of configs) {
      const client = new Client({ name: 'readme-host', version: '1.0.0' });
      if (kind === 'stdio')
        await client.connect(
          new StdioClientTransport({
            command: host.command!,
            args: host.args!.map(here),
            env: { PATH: process.env.PATH ?? '', ...Object.fromEntries(Object.entries(host.env ?? {}).map(([k, v]) => [k, here(v)])) },
            cwd: root, // Claude Code spawns a project's servers in the project folder
            stderr: 'ignore',
          }),
        );
      else {
        // Claude Code expands ${VAR} in .mcp.json from the environment.
        const headers = Object.fromEntries(
          Object.entries(host.headers!).map(([k, v]) => [k, v.replace('${WAYMARK_MCP_TOKEN}', accessToken)]),
        );
        await client.connect(new StreamableHTTPClientTransport(new URL(here(host.url!)), { requestInit: { headers } }));
      }
      open.push(client);
      listed.push((await client.listTools()).tools.map((t) => t.name));
      const flows = (await client.callTool({ name: 'list_flows', arguments: {} })) as { content: { text: string }[] };
      expect(JSON.parse(flows.content[0]!.text).flows.map((f: { id: string }) => f.id)).toContain('remember-me');
    }
    expect(listed[0]).toContain('save_flow'); // --allow-writes
    expect(listed[1]).not.toContain('save_flow'); // read-only by default
    expect(listed[2]).not.toContain('list_clients'); // --exclude-tools clients
    expect(listed[3]).toContain('save_flow'); // admin.mcp.allowWrites
  }, 90_000);
});
