import { AUDIT_EVENT_TYPES } from '@waymark/sdk';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { RunningServer } from '@waymark/cli';
import { startTokenIssuer, type TokenIssuer } from '../../../test/support/servers.js';
import { agentSession } from './session.js';
import { ISSUER, NEW_CLIENT_SECRET, PASSWORD, PAYMENTS_SECRET, root, startWaymark, Transcript } from './support.js';

/*
 * The MCP server as an MCP host runs it: a spawned process (`npx @waymark/mcp`'s bin) speaking
 * stdio to the SDK's real Client, calling a real `waymark serve` (startServer) as the admin whose
 * token it reads from a file.
 */

const bin = join(root, 'packages/mcp/bin/waymark-mcp.js');
const BOTH = 'waymark:admin:read waymark:admin:write';
let tokens: TokenIssuer;
const running: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  // The bin loads dist/: build if this run has not (CI builds before testing).
  if (!existsSync(join(root, 'packages/mcp/dist/bin.js'))) execFileSync('npx', ['tsc', '-b', 'packages/mcp'], { cwd: root });
  tokens = await startTokenIssuer({ audience: `${ISSUER}/admin`, clientId: 'mcp-host', scope: BOTH });
});
afterAll(() => tokens.close());
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function serve(
  admin: Record<string, unknown>,
  env: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<RunningServer> {
  const server = await startWaymark({ issuers: [{ issuer: tokens.issuer, jwksUri: tokens.jwksUri }], ...admin }, extra, env);
  running.push(server);
  return server;
}

/** The MCP server, spawned, with the token in a file (WAYMARK_ADMIN_TOKEN_FILE). */
async function connect(url: string, token: string, args: string[] = []): Promise<Client> {
  const dir = mkdtempSync(join(process.env.WAYMARK_TEST_TMPDIR ?? tmpdir(), 'mcp-'));
  const file = join(dir, 'token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, '--url', url, ...args],
    env: { PATH: process.env.PATH ?? '', WAYMARK_ADMIN_TOKEN_FILE: file },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'waymark-test-agent', version: '1.0.0' });
  await client.connect(transport);
  running.push({ close: () => client.close() });
  return client;
}

describe('@waymark/mcp over stdio', () => {
  it('runs the scripted agent session: build, fix, simulate, save, activate, a real journey, its audit event and trace; no secret in any result', async () => {
    const server = await serve({ writes: true });
    const token = await tokens.mint({ sub: 'admin-alice' });
    const client = await connect(server.url, token, ['--allow-writes']);
    const t = new Transcript(client);
    await agentSession(t, server, { sub: 'admin-alice' });
    // A client created with a secret: saved, never answered.
    const created = await t.call('create_client', {
      client: {
        client_id: 'reports',
        type: 'service',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: NEW_CLIENT_SECRET,
        allowed_flows: ['remember-me'],
      },
    });
    expect(created.json).toMatchObject({ client_id: 'reports', has_secret: true });
    const disabled = await t.call('disable_client', { clientId: 'reports' });
    expect(disabled.json.enabled).toBe(false);
    t.expectNoSecrets([token, PASSWORD, PAYMENTS_SECRET, NEW_CLIENT_SECRET]);
  });

  it('is read-only by default: no write tool is listed, and a write attempted anyway is refused with nothing changed', async () => {
    const server = await serve({ writes: true });
    const client = await connect(server.url, await tokens.mint({ sub: 'admin-alice' }));
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_flows', 'get_flow', 'validate_flow', 'simulate_flow', 'query_audit_events']));
    // The audit query takes every kind of event the trail records (the one list in @waymark/sdk), gateway calls included.
    const audit = tools.find((t) => t.name === 'query_audit_events')!.inputSchema as unknown as {
      properties: { type: { enum: string[] } };
    };
    expect(audit.properties.type.enum).toEqual([...AUDIT_EVENT_TYPES]);
    for (const write of [
      'save_flow',
      'update_flow_partial',
      'activate_flow_version',
      'rollback_flow',
      'create_client',
      'update_client',
      'enable_client',
      'disable_client',
    ])
      expect(names).not.toContain(write);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const t = new Transcript(client);
    const attempt = await t.call('activate_flow_version', { flowId: 'remember-me', version: 1 });
    expect(attempt.isError).toBe(true);
    expect(attempt.text).toMatch(/activate_flow_version not found/);
    const disable = await t.call('disable_client', { clientId: 'web-app' });
    expect(disable.isError).toBe(true);
    expect((await t.call('get_client', { clientId: 'web-app' })).json.enabled).toBe(true);
  });

  it('offers the node docs and the flow schema as resources, and the two prompts', async () => {
    const server = await serve({});
    const client = await connect(server.url, await tokens.mint());
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['waymark://schema/flow', 'waymark://nodes/risk.evaluate']));
    const schema = await client.readResource({ uri: 'waymark://schema/flow' });
    expect(JSON.parse((schema.contents[0] as { text: string }).text).required).toEqual(expect.arrayContaining(['id', 'start', 'nodes']));
    const doc = await client.readResource({ uri: 'waymark://nodes/credentials.verify' });
    expect((doc.contents[0] as { text: string }).text).toMatch(
      /^# credentials\.verify[\s\S]*Outcomes: valid, invalid, locked[\s\S]*## Config \(JSON Schema\)/,
    );
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['build_flow', 'debug_failed_journey']);
    const build = await client.getPrompt({ name: 'build_flow', arguments: { goal: 'remember devices unless risk is high' } });
    expect((build.messages[0]!.content as { text: string }).text).toMatch(
      /remember devices unless risk is high[\s\S]*validate_flow[\s\S]*confirm: true/,
    );
    const debug = await client.getPrompt({
      name: 'debug_failed_journey',
      arguments: { subject: 'user-alice', around: '2026-12-03T21:14:00Z' },
    });
    expect((debug.messages[0]!.content as { text: string }).text).toMatch(/user-alice around 2026-12-03T21:14:00Z[\s\S]*get_journey_trace/);
  });

  it('applies allow and deny lists of tools and collections', async () => {
    const server = await serve({});
    const client = await connect(server.url, await tokens.mint(), [
      '--include-tools',
      'flows,list_clients',
      '--exclude-tools',
      'simulate_flow',
    ]);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['diff_flow_versions', 'get_flow', 'list_clients', 'list_flows', 'validate_flow']);
  });

  it('refuses writes against a production-mode server that does not allow them, before anything is sent', async () => {
    const secretKeys = ['q2dFj1Wn0h5tZP3sX9cV7bN4mL8kJ6gH2fD1sA0pO9i'];
    const server = await serve(
      { writes: true, allowWritesInProduction: true },
      { WAYMARK_SECRET_REMEMBER_ME_KEY: 'k'.repeat(43) },
      { mode: 'production', secretKeys },
    );
    const client = await connect(server.url, await tokens.mint(), ['--allow-writes']);
    const t = new Transcript(client);
    const refused = await t.call('disable_client', { clientId: 'web-app' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/^ERR_MCP_PRODUCTION_WRITE: .*--allow-production-writes/);
    expect((await t.call('get_client', { clientId: 'web-app' })).json.enabled).toBe(true);
    // With --allow-production-writes too (and the server allowing it), the change is made.
    const allowed = await connect(server.url, await tokens.mint(), ['--allow-writes', '--allow-production-writes']);
    const done = await new Transcript(allowed).call('disable_client', { clientId: 'web-app' });
    expect(done.json.enabled).toBe(false);
  });

  it('answers a bad argument with a tool error naming the argument and the fix', async () => {
    const server = await serve({ writes: true });
    const client = await connect(server.url, await tokens.mint(), ['--allow-writes']);
    const t = new Transcript(client);
    const missing = await t.call('get_flow', {});
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/give a flow id, such as "login".* at flowId/s);
    const badVersion = await t.call('activate_flow_version', { flowId: 'remember-me', version: 'two' });
    expect(badVersion.text).toMatch(/give the version number to activate.* at version/s);
    const badPatch = await t.call('update_flow_partial', {
      flowId: 'remember-me',
      confirm: true,
      patch: [
        { op: 'replace', path: '/nodes/verify/config/maxAttempts', value: 3 },
        { op: 'remove', path: '/nodes/noSuchNode' },
      ],
    });
    expect(badPatch.isError).toBe(true);
    expect(badPatch.text).toMatch(/^ERR_MCP_ARGUMENT: argument "patch\[1\]\.path": "\/nodes\/noSuchNode" does not exist/);
    // A patch whose result is invalid is refused as a whole; nothing is saved.
    const invalid = await t.call('update_flow_partial', {
      flowId: 'remember-me',
      confirm: true,
      patch: [{ op: 'remove', path: '/nodes/collect' }],
    });
    expect(invalid.text).toMatch(/argument "patch": the flow is invalid/);
    expect((await t.call('list_flows')).json.flows[0].latestVersion).toBe(2);
    // A valid patch: dry run, then saved.
    const patch = [{ op: 'replace', path: '/nodes/verify/config/maxAttempts', value: 3 }];
    expect((await t.call('update_flow_partial', { flowId: 'remember-me', patch })).json).toMatchObject({ dryRun: true, version: 3 });
    const saved = await t.call('update_flow_partial', { flowId: 'remember-me', patch, confirm: true });
    expect(saved.json).toMatchObject({ saved: true, version: 3, activeVersion: 2 });
    expect(saved.json.diff.changes).toEqual([{ op: 'replace', pointer: '/nodes/verify/config/maxAttempts', from: 5, to: 3 }]);
    expect((await t.call('activate_flow_version', { flowId: 'remember-me', version: 3 })).json.activeVersion).toBe(3);
    expect((await t.call('rollback_flow', { flowId: 'remember-me' })).json.activeVersion).toBe(2);
  });
});
