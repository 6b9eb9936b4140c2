import { describe, it, expect } from '@jest/globals';
import { toMermaid, createCliRegistry } from '@waymark/cli';
import { engineNodes, type Flow } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { run } from './helpers.js';

describe('waymark graph', () => {
  it('prints the flow as a Mermaid flowchart and exits 0', async () => {
    const { code, stdout, stderr } = await run(['graph', 'flows/good.json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'flowchart TD',
        '  check["check<br/>test.check"]',
        '  gate["gate<br/>test.gate"]',
        '  success(["success"])',
        '  failure(["failure"])',
        '  check -->|valid| gate',
        '  check -->|invalid, error| failure',
        '  gate -->|pass| success',
        '  gate -->|block| failure',
        '  classDef start stroke-width:3px',
        '  class check start',
        '',
      ].join('\n'),
    );
  });

  it('refuses to draw an invalid flow: problems on stderr, nothing on stdout, exit 1', async () => {
    const { code, stdout, stderr } = await run(['graph', 'broken.json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('broken.json: /nodes/check/type ERR_FLOW_UNKNOWN_TYPE');
  });

  it('takes exactly one file (exit 2 otherwise)', async () => {
    expect((await run(['graph'])).code).toBe(2);
    const { code, stderr } = await run(['graph', 'flows/good.json', 'flows/one-node.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('ERR_CLI_USAGE: graph: name exactly one flow file');
  });

  it('--help prints its usage and exits 0', async () => {
    const { code, stdout } = await run(['graph', '-h']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: waymark graph /);
  });
});

describe('toMermaid', () => {
  it('renames node ids that Mermaid reads as keywords, keeping their label, and draws only used terminals', () => {
    const flow: Flow = {
      id: 'f',
      version: 1,
      description: 'd',
      start: 'end',
      nodes: { end: { type: 'x.y', outcomes: { next: 'end_node', done: 'success' } }, end_node: { type: 'x.z', outcomes: { next: 'end' } } },
    };
    expect(toMermaid(flow).split('\n')).toEqual([
      'flowchart TD',
      '  end_node_["end<br/>x.y"]',
      '  end_node["end_node<br/>x.z"]',
      '  success(["success"])',
      '  end_node_ -->|next| end_node',
      '  end_node_ -->|done| success',
      '  end_node -->|next| end_node_',
      '  classDef start stroke-width:3px',
      '  class end_node_ start',
      '',
    ]);
  });
});

describe('toMermaid: subflows', () => {
  it('draws a flow.run node as a subroutine [[…]] naming the flow it runs and its pinned version; other nodes stay boxes', () => {
    const flow: Flow = {
      id: 'parent',
      version: 1,
      description: 'd',
      start: 'pinned',
      nodes: {
        pinned: { type: 'flow.run', config: { flow: 'password-login', version: 3 }, outcomes: { success: 'active', failure: 'failure' } },
        active: { type: 'flow.run', config: { flow: 'mfa', state: 'shared' }, outcomes: { success: 'done', failure: 'failure' } },
        done: { type: 'session.create', outcomes: { created: 'success' } },
      },
    };
    const lines = toMermaid(flow).split('\n');
    expect(lines).toContain('  pinned[["pinned<br/>flow.run → password-login v3"]]');
    expect(lines).toContain('  active[["active<br/>flow.run → mfa"]]');
    expect(lines).toContain('  done["done<br/>session.create"]');
  });
});

describe('createCliRegistry', () => {
  it('registers core\'s flow.run and every built-in node type of @waymark/nodes as "builtin", beside the engine\'s own page', async () => {
    const registry = await createCliRegistry([]);
    expect(registry.list().map((t) => t.type).sort()).toEqual([...engineNodes, ...builtinNodes].map((t) => t.type).concat('page').sort());
    for (const node of [...engineNodes, ...builtinNodes]) expect(registry.sourceOf(node.type)).toBe('builtin');
    expect(registry.sourceOf('page')).toBe('engine');
  });
});
