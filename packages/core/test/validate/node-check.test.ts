import { describe, expect, it } from '@jest/globals';
import { defineNode } from '@waymark/sdk';
import { NodeRegistry, validateFlow } from '@waymark/core';
import { compileNodeConfig } from '@waymark/core/internal';

/* A node type's `check(config)`: what its JSON Schema cannot say, judged at flow load once the
 * schema passed, reported at pointers inside the node's config. */

const words = defineNode({
  type: 'test.words',
  version: 1,
  description: 'Keeps a list of words, none of them "forbidden".',
  config: {
    type: 'object',
    additionalProperties: false,
    required: ['words'],
    properties: { words: { type: 'array', items: { type: 'string' } } },
  } as const,
  outcomes: ['done'],
  check: (config) =>
    config.words.flatMap((w, i) =>
      w === 'forbidden'
        ? [{ code: 'ERR_TEST_WORD', pointer: `/words/${i}`, message: 'the word "forbidden" is refused: choose another.' }]
        : [],
    ),
  run: () => 'done',
});

const broken = defineNode({
  type: 'test.broken-check',
  version: 1,
  description: 'A node type whose check throws.',
  outcomes: ['done'],
  check: () => {
    throw new Error('boom');
  },
  run: () => 'done',
});

let calls = 0;
const counted = defineNode({
  type: 'test.counted',
  version: 1,
  description: 'Counts its checks.',
  outcomes: ['done'],
  check: () => {
    calls++;
    return [];
  },
  run: () => 'done',
});

function registry(): NodeRegistry {
  const r = new NodeRegistry();
  r.registerAll([words, broken, counted] as never[], 'test');
  return r;
}

const flowWith = (node: Record<string, unknown>) => ({
  id: 'f',
  version: 1,
  description: 'A test flow.',
  start: 'n',
  nodes: { n: { ...node, outcomes: { done: 'success' } } },
});

describe('NodeType.check at flow load', () => {
  it('reports each problem at the node config pointer with its own code; a clean config loads', () => {
    const bad = validateFlow(flowWith({ type: 'test.words', config: { words: ['ok', 'forbidden', 'forbidden'] } }), registry());
    expect(!bad.ok && bad.problems).toEqual([
      { code: 'ERR_TEST_WORD', pointer: '/nodes/n/config/words/1', message: 'the word "forbidden" is refused: choose another.' },
      { code: 'ERR_TEST_WORD', pointer: '/nodes/n/config/words/2', message: 'the word "forbidden" is refused: choose another.' },
    ]);
    expect(validateFlow(flowWith({ type: 'test.words', config: { words: ['ok'] } }), registry()).ok).toBe(true);
  });

  it('runs only on a config its schema accepted', () => {
    calls = 0;
    const bad = validateFlow(flowWith({ type: 'test.words', config: { words: 'forbidden' } }), registry());
    expect(!bad.ok && bad.problems.map((p) => [p.code, p.pointer])).toEqual([['ERR_FLOW_CONFIG', '/nodes/n/config/words']]);
    validateFlow(flowWith({ type: 'test.counted', config: { unknown: 1 } }), registry());
    expect(calls).toBe(0);
    validateFlow(flowWith({ type: 'test.counted' }), registry());
    expect(calls).toBe(1);
  });

  it('reports a check that throws as a bug of the node type, at the config', () => {
    const result = validateFlow(flowWith({ type: 'test.broken-check' }), registry());
    expect(!result.ok && result.problems).toEqual([
      expect.objectContaining({
        code: 'ERR_FLOW_CONFIG',
        pointer: '/nodes/n/config',
        message: expect.stringMatching(/could not check this config \(boom\): this is a bug of the node type/),
      }),
    ]);
  });

  it('compileNodeConfig (runNode, testNodeConfigs) refuses what check refuses, with the problems', () => {
    expect(() => compileNodeConfig(words as never, { words: ['forbidden'] })).toThrow(
      expect.objectContaining({
        code: 'ERR_FLOW_CONFIG',
        details: expect.objectContaining({ problems: [expect.objectContaining({ code: 'ERR_TEST_WORD', pointer: '/words/0' })] }),
      }),
    );
    expect(compileNodeConfig(words as never, { words: ['fine'] })).toEqual({ words: ['fine'] });
  });
});
