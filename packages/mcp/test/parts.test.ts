import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ALL_TOOLS, applyPatch, flowDiff, protectedResourceMetadataUrl, selectTools, Simulator, stdioOptions } from '@waymark/mcp';
import { PASSWORD, rememberMeDraft, root } from './support.js';

const shipped = JSON.parse(readFileSync(`${root}flows/remember-me.json`, 'utf8')) as Record<string, unknown>;

describe('applyPatch (RFC 6902)', () => {
  it('applies every operation to a copy, and none when one fails', () => {
    const doc = { a: { b: 1 }, list: [1, 2] };
    expect(
      applyPatch(doc, [
        { op: 'add', path: '/a/c', value: 2 },
        { op: 'replace', path: '/a/b', value: 3 },
        { op: 'add', path: '/list/-', value: 9 },
        { op: 'move', from: '/a/c', path: '/d' },
        { op: 'copy', from: '/d', path: '/e' },
        { op: 'remove', path: '/list/0' },
        { op: 'test', path: '/d', value: 2 },
      ]),
    ).toEqual({ a: { b: 3 }, list: [2, 9], d: 2, e: 2 });
    expect(doc).toEqual({ a: { b: 1 }, list: [1, 2] });
    expect(() => applyPatch(doc, [{ op: 'test', path: '/a/b', value: 2 }])).toThrow(/argument "patch\[0\]": the test of "\/a\/b" failed/);
    expect(() => applyPatch(doc, [{ op: 'replace', path: 'a/b', value: 2 }])).toThrow(/patch\[0\]\.path.*start it with "\/"/);
    expect(() => applyPatch(doc, [{ op: 'add', path: '/x/y', value: 2 }])).toThrow(/patch\[0\]\.path.*"x", which does not exist/);
    expect(() => applyPatch({ 'a/b': 1 }, [{ op: 'remove', path: '/a~1b' }])).not.toThrow(); // RFC 6901 §4
  });
});

describe('flowDiff', () => {
  it('lists nodes added, removed and changed, and each change by pointer (the version left out)', () => {
    const next = structuredClone(shipped) as { version: number; nodes: Record<string, { config?: Record<string, unknown> }> };
    next.version = 3;
    next.nodes.verify!.config!.maxAttempts = 3;
    delete next.nodes.showBotRisk;
    next.nodes.extra = { config: {} };
    const diff = flowDiff(shipped, next);
    expect(diff).toMatchObject({ nodesAdded: ['extra'], nodesRemoved: ['showBotRisk'], nodesChanged: ['verify'] });
    expect(diff.changes).toContainEqual({ op: 'replace', pointer: '/nodes/verify/config/maxAttempts', from: 5, to: 3 });
    expect(diff.changes.some((c) => c.pointer === '/version')).toBe(false);
  });
});

describe('selectTools', () => {
  it('is read-only unless writes are allowed; include and exclude name tools or collections; exclude wins; unknown names are refused', () => {
    const names = (f: Parameters<typeof selectTools>[1]) => selectTools(ALL_TOOLS, f).map((t) => t.name);
    expect(names({}).every((n) => !ALL_TOOLS.find((t) => t.name === n)!.write)).toBe(true);
    expect(names({ allowWrites: true })).toContain('save_flow');
    expect(names({ include: ['clients'], exclude: ['get_client'], allowWrites: true })).toEqual([
      'list_clients',
      'create_client',
      'update_client',
      'enable_client',
      'disable_client',
    ]);
    expect(() => names({ include: ['save_flows'] })).toThrow(/--include-tools: "save_flows" is neither a tool nor a collection/);
  });
});

describe('stdioOptions', () => {
  it('needs a server URL and a token, and names the missing one', () => {
    expect(() => stdioOptions([], { WAYMARK_ADMIN_TOKEN: 't' })).toThrow(/--url: give the Waymark server/);
    expect(() => stdioOptions(['--url', 'http://localhost:3000'], {})).toThrow(/WAYMARK_ADMIN_TOKEN: set it/);
    expect(() => stdioOptions(['--url', 'http://localhost:3000'], { WAYMARK_ADMIN_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /WAYMARK_ADMIN_TOKEN_FILE: cannot read/,
    );
    expect(() => stdioOptions(['--colour'], {})).toThrow(/arguments: .*colour/);
    const ok = stdioOptions(['--url', 'http://localhost:3000', '--allow-writes', '--include-tools', 'flows, catalog'], {
      WAYMARK_ADMIN_TOKEN: 'tok',
    });
    expect(ok).toMatchObject({ url: 'http://localhost:3000', allowWrites: true, include: ['flows', 'catalog'] });
  });
});

describe('protectedResourceMetadataUrl (RFC 9728 §3.1)', () => {
  it('puts the well-known segment between the host and the path', () => {
    expect(protectedResourceMetadataUrl('https://login.example.com/mcp')).toBe(
      'https://login.example.com/.well-known/oauth-protected-resource/mcp',
    );
    expect(protectedResourceMetadataUrl('https://login.example.com/t1/mcp')).toBe(
      'https://login.example.com/.well-known/oauth-protected-resource/t1/mcp',
    );
  });
});

/** The draft with its unwired outcome wired. */
function fixedDraft(): Record<string, unknown> {
  const flow = { ...rememberMeDraft(), version: 1 } as unknown as { nodes: Record<string, { outcomes: Record<string, string> }> };
  flow.nodes.evaluateLogin!.outcomes.exceed = 'createSession';
  return flow;
}

describe('Simulator', () => {
  const alice = [{ username: 'alice', password: PASSWORD }];
  it('stops a visit at a callback the script does not answer, saying which', async () => {
    const flow = fixedDraft();
    const report = await new Simulator().run({ flow, users: alice, visits: [{ answers: [{ NameCallback: 'alice' }] }] });
    expect(report.visits[0]).toMatchObject({ status: 'suspended', unanswered: { type: 'PasswordCallback' } });
  });

  it('runs the risk service as down, a wrong password, and never calls the network', async () => {
    const flow = fixedDraft();
    const login = { NameCallback: 'alice', PasswordCallback: PASSWORD };
    const report = await new Simulator().run({
      flow,
      users: alice,
      visits: [
        { answers: [login], risk: { unavailable: true } },
        { answers: [{ ...login, PasswordCallback: 'wrong' }], newBrowser: true },
      ],
    });
    expect(report.visits[0]!.trace.map((s) => `${s.node}:${s.outcome}`)).toContain('evaluateLogin:error');
    expect(report.visits[0]!.cookiesSet).not.toContain('__Host-waymark-remember');
    expect(report.visits[1]).toMatchObject({ status: 'failure', node: 'verify' });
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('refuses an invalid flow with its problems', async () => {
    await expect(new Simulator().run({ flow: { ...rememberMeDraft(), version: 1 }, visits: [{}] })).rejects.toMatchObject({
      code: 'ERR_MCP_ARGUMENT',
      details: {
        problems: [expect.objectContaining({ code: 'ERR_FLOW_UNWIRED_OUTCOME', pointer: expect.stringContaining('/nodes/evaluateLogin') })],
      },
    });
  });
});
