import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { defineNode, type NodeType } from '@waymark/sdk';
import { NodeRegistry, validateFlow, validateFlowJson, FlowInvalidError, FLOW_PROBLEM_CODES as C, type Flow } from '@waymark/core';
import { assertValidFlow } from '@waymark/core/internal';
import { testRegistry, gate } from './test-nodes.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const load = (name: string): Flow => JSON.parse(fixture(name)) as Flow;

describe('validateFlow on valid flows', () => {
  it('accepts a two-node flow and returns it with its configs', () => {
    const result = validateFlow(load('valid/two-nodes.json'), testRegistry());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flow.id).toBe('test-login');
    expect(Object.keys(result.configs).sort()).toEqual(['check', 'gate']);
  });

  it('applies config defaults of the node type, including to nodes that have no config', () => {
    const result = validateFlow(load('valid/loop-with-exit.json'), testRegistry());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.configs).toEqual({
      choose: { options: ['a', 'b'] },
      page: { title: 'Hello' },
      check: { issuer: 'https://as.example', leeway: 30 },
    });
  });

  it('leaves the input flow untouched when applying defaults', () => {
    const flow = load('valid/two-nodes.json');
    const before = JSON.stringify(flow);
    validateFlow(flow, testRegistry());
    expect(JSON.stringify(flow)).toBe(before);
  });

  it('accepts a loop that has a declared way out, timeout/limits/layout, and a pinned matching version', () => {
    expect(validateFlow(load('valid/loop-with-exit.json'), testRegistry()).ok).toBe(true);
  });

  it('checks the studio positions under layout.nodes ({ x, y } numbers by node id) and leaves other layout keys free', () => {
    const flow = load('valid/loop-with-exit.json') as Flow & { layout: Record<string, unknown> };
    flow.layout = { ...flow.layout, nodes: { choose: { x: 10, y: 20.5 }, success: { x: 0, y: 300 } } };
    expect(validateFlow(flow, testRegistry()).ok).toBe(true);
    flow.layout = { nodes: { choose: { x: '10', y: 20 }, 'not an id': { x: 1, y: 2 } } };
    const result = validateFlow(flow, testRegistry());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.pointer)).toEqual(expect.arrayContaining(['/layout/nodes/choose/x']));
    expect(result.problems.some((p) => p.pointer.startsWith('/layout/nodes'))).toBe(true);
  });

  it('allows wiring error and timeout without the type declaring them', () => {
    const flow = load('valid/two-nodes.json');
    flow.nodes['gate']!.outcomes = { pass: 'success', block: 'failure', error: 'failure', timeout: 'failure' };
    expect(validateFlow(flow, testRegistry()).ok).toBe(true);
  });
});

describe('validateFlow reports every problem at once', () => {
  it('reports schema, type, version, config, outcome, target, start, reserved-id and cycle problems of one flow together', () => {
    const result = validateFlowJson(fixture('many-problems.json'), testRegistry(), 'many-problems.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([
      [C.ERR_FLOW_SCHEMA, '/id'],
      [C.ERR_FLOW_MISSING_START, '/start'],
      [C.ERR_FLOW_UNKNOWN_TYPE, '/nodes/check/type'],
      [C.ERR_FLOW_UNKNOWN_TARGET, '/nodes/gate/outcomes/pass'],
      [C.ERR_FLOW_CONFIG, '/nodes/gate/config/color'],
      [C.ERR_FLOW_UNDECLARED_OUTCOME, '/nodes/gate/outcomes/maybe'],
      [C.ERR_FLOW_UNWIRED_OUTCOME, '/nodes/gate/outcomes/block'],
      [C.ERR_FLOW_NODE_VERSION, '/nodes/orphan/version'],
      [C.ERR_FLOW_CONFIG, '/nodes/orphan/config/title'],
      [C.ERR_FLOW_RESERVED_ID, '/nodes/failure'],
      [C.ERR_FLOW_NO_EXIT_CYCLE, '/nodes/orphan'],
    ]);
  });

  it('reports every schema error of a document, not only the first, and the graph problems after them', () => {
    const result = validateFlow({ id: 'X', version: 0, description: '', start: 'a', nodes: {}, extra: 1 }, testRegistry());
    if (result.ok) throw new Error('expected problems');
    const schema = result.problems.filter((p) => p.code === C.ERR_FLOW_SCHEMA).map((p) => p.pointer);
    expect(schema.sort()).toEqual(['/description', '/extra', '/id', '/nodes', '/version']);
    expect(result.problems.at(-1)).toMatchObject({ code: C.ERR_FLOW_MISSING_START, pointer: '/start' });
  });

  it('reports a non-object document as one schema problem at the root', () => {
    const result = validateFlow([1, 2], testRegistry());
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ code: C.ERR_FLOW_SCHEMA, pointer: '' })] });
  });

  it('does not repeat a finer problem where the schema already points (malformed type name)', () => {
    const flow = load('valid/two-nodes.json');
    flow.nodes['gate']!.type = 'Gate';
    const result = validateFlow(flow, testRegistry());
    if (result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([[C.ERR_FLOW_SCHEMA, '/nodes/gate/type']]);
  });
});

describe('validateFlow on a node whose outcomes are computed from its config', () => {
  const flow = (config: unknown, outcomes: Record<string, string>): unknown => ({
    id: 'choose',
    version: 1,
    description: 'A choice node with a config problem and outcome problems.',
    start: 'pick',
    nodes: { pick: { type: 'test.choose', config, outcomes } },
  });

  it('reports a config problem and the outcome problems of the same node in one run', () => {
    const result = validateFlow(flow({ options: ['a', 'b'], colour: 'red' }, { a: 'success', c: 'failure' }), testRegistry());
    if (result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([
      [C.ERR_FLOW_CONFIG, '/nodes/pick/config/colour'],
      [C.ERR_FLOW_UNDECLARED_OUTCOME, '/nodes/pick/outcomes/c'],
      [C.ERR_FLOW_UNWIRED_OUTCOME, '/nodes/pick/outcomes/b'],
    ]);
  });

  it('leaves out what a wrong config makes of its outcomes when that is no outcome name', () => {
    const result = validateFlow(flow({ options: ['a', 7] }, { a: 'success' }), testRegistry());
    if (result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([[C.ERR_FLOW_CONFIG, '/nodes/pick/config/options/1']]);
  });
});

describe('validateFlow messages', () => {
  it('suggests the closest registered type for an unknown type', () => {
    const flow = load('valid/two-nodes.json');
    flow.nodes['gate']!.type = 'test.gaet';
    const result = validateFlow(flow, testRegistry());
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[0]?.message).toContain('Did you mean "test.gate"?');
  });

  it('lists registered types when no name is close, and says to load the plugin', () => {
    const flow = load('valid/two-nodes.json');
    flow.nodes['gate']!.type = 'acme.geofence';
    const result = validateFlow(flow, testRegistry());
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[0]?.message).toMatch(/load the plugin package.*test\.check, test\.gate/);
  });
});

describe('node config validators', () => {
  it('compiles a node type config schema once, however many flows and validations use it', () => {
    let reads = 0;
    const schema = { type: 'object', properties: { n: { type: 'integer', default: 1 } } };
    const counted: NodeType<unknown> = Object.create(gate, {
      type: { value: 'test.counted' },
      config: {
        get() {
          reads++;
          return schema;
        },
      },
    }) as NodeType<unknown>;
    const registry = new NodeRegistry();
    registry.register(counted);
    const flow = (id: string): unknown => ({
      id,
      version: 1,
      description: 'counts compiles',
      start: 'a',
      nodes: { a: { type: 'test.counted', outcomes: { pass: 'b', block: 'failure' } }, b: { type: 'test.counted', outcomes: { pass: 'success', block: 'failure' } } },
    });
    for (let i = 0; i < 3; i++) {
      expect(validateFlow(flow('first'), registry).ok).toBe(true);
      expect(validateFlow(flow('second'), registry).ok).toBe(true);
    }
    expect(reads).toBe(1);
  });

  it('reports a node type whose config schema does not compile as ERR_FLOW_CONFIG_SCHEMA at the node type', () => {
    const broken = defineNode({
      type: 'test.broken',
      version: 1,
      description: 'Has a typo in its schema.',
      config: { type: 'object', requried: ['x'] },
      outcomes: ['done'],
      run: () => 'done',
    });
    const registry = new NodeRegistry();
    registry.register(broken as NodeType<unknown>);
    const result = validateFlow({ id: 'b', version: 1, description: 'd', start: 'a', nodes: { a: { type: 'test.broken', outcomes: { done: 'success' } } } }, registry);
    if (result.ok) throw new Error('expected problems');
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([[C.ERR_FLOW_CONFIG_SCHEMA, '/nodes/a/type']]);
  });
});

describe('config messages for conditional rules (if / then / not)', () => {
  const guarded = defineNode({
    type: 'test.guarded',
    version: 1,
    description: 'A node whose config forbids a key under a condition.',
    config: {
      type: 'object',
      properties: { mode: { type: 'string' }, host: { type: 'string' }, port: { type: 'integer' } },
      allOf: [
        { if: { properties: { mode: { const: 'local' } }, required: ['mode'] }, then: { description: 'A local node has no host: drop "host".', not: { required: ['host'] } } },
        { if: { properties: { mode: { const: 'sealed' } }, required: ['mode'] }, then: { not: { required: ['port'] } } },
        { if: { properties: { mode: { const: 'odd' } }, required: ['mode'] }, then: { not: { properties: { port: { const: 1 } } } } },
      ],
    },
    outcomes: ['done'],
    run: () => 'done',
  });
  function problemsOf(config: unknown): { pointer: string; message: string }[] {
    const registry = new NodeRegistry();
    registry.register(guarded as NodeType<unknown>);
    const result = validateFlow({ id: 'g', version: 1, description: 'd', start: 'a', nodes: { a: { type: 'test.guarded', config, outcomes: { done: 'success' } } } }, registry);
    return result.ok ? [] : result.problems.map(({ pointer, message }) => ({ pointer, message }));
  }

  it('points a forbidden key at the key, with the reason from the description, and drops the "then" noise', () => {
    expect(problemsOf({ mode: 'local', host: 'h' })).toEqual([
      { pointer: '/nodes/a/config/host', message: 'config of test.guarded: "host" is not allowed here. A local node has no host: drop "host".' },
    ]);
  });

  it('says to remove a forbidden key when the schema gives no reason', () => {
    expect(problemsOf({ mode: 'sealed', port: 1 })).toEqual([{ pointer: '/nodes/a/config/port', message: 'config of test.guarded: "port" is not allowed here: remove it.' }]);
  });

  it('never prints ajv\'s "must NOT be valid" for any other excluded form', () => {
    const problems = problemsOf({ mode: 'odd', port: 1 });
    expect(problems).toEqual([{ pointer: '/nodes/a/config', message: expect.stringContaining('is not allowed here') }]);
    expect(JSON.stringify(problems)).not.toMatch(/must NOT|"then" schema/);
  });
});

describe('assertValidFlow', () => {
  it('returns the flow and defaulted configs of a valid flow', () => {
    const { flow, configs } = assertValidFlow(load('valid/two-nodes.json'), testRegistry(), 'two-nodes');
    expect(flow.start).toBe('check');
    expect(configs['check']).toEqual({ issuer: 'https://as.example', leeway: 30 });
  });

  it('throws FlowInvalidError (ERR_FLOW_INVALID) carrying every problem and naming the flow', () => {
    const flow = load('valid/two-nodes.json');
    delete (flow as Partial<Flow>).start;
    flow.nodes['gate']!.type = 'test.nope';
    let thrown: unknown;
    try {
      assertValidFlow(flow, testRegistry(), 'flows/two.json');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FlowInvalidError);
    const error = thrown as FlowInvalidError;
    expect(error.code).toBe('ERR_FLOW_INVALID');
    expect(error.message).toContain('flows/two.json');
    expect(error.problems.map((p) => p.code)).toEqual([C.ERR_FLOW_MISSING_START, C.ERR_FLOW_UNKNOWN_TYPE]);
  });
});
