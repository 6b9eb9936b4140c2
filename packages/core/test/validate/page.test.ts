import { describe, expect, it } from '@jest/globals';
import { NodeRegistry, validateFlow, type FlowProblem } from '@waymark/core';
import { testRegistry } from './test-nodes.js';

/*
 * The page node's validation: its children are checked as nodes of their types, at pointers
 * inside the page's config; only the last may branch; its outcomes are the page's.
 */

function flowWith(children: unknown[], outcomes: Record<string, string> = { next: 'success' }, extra: Record<string, unknown> = {}) {
  return {
    id: 'paged',
    version: 1,
    description: 'A page.',
    start: 'p',
    nodes: { p: { type: 'page', config: { header: 'Hello', nodes: children, ...extra }, outcomes } },
  };
}

function problems(input: unknown, registry = testRegistry()): FlowProblem[] {
  const result = validateFlow(input, registry);
  return result.ok ? [] : result.problems;
}

const where = (list: FlowProblem[]) => list.map((p) => [p.code, p.pointer]);

describe('page: validation', () => {
  it('accepts input nodes with one outcome each, the last deciding, and applies each child type defaults', () => {
    const result = validateFlow(
      flowWith(
        [
          { id: 'a', type: 'test.page' },
          { id: 'b', type: 'test.page', config: { title: 'Two' } },
          { id: 'c', type: 'test.choose' },
        ],
        {
          a: 'success',
          b: 'failure',
        },
      ),
      testRegistry(),
    );
    expect(result.ok).toBe(true);
    const config = result.ok ? (result.configs.p as { nodes: { config: unknown }[] }) : undefined;
    expect(config?.nodes.map((n) => n.config)).toEqual([{ title: 'Hello' }, { title: 'Two' }, { options: ['a', 'b'] }]);
  });

  it("checks the page's wiring against the last child's outcomes", () => {
    const list = problems(
      flowWith(
        [
          { id: 'a', type: 'test.page' },
          { id: 'c', type: 'test.gate' },
        ],
        { pass: 'success', next: 'failure' },
      ),
    );
    expect(where(list)).toEqual([
      ['ERR_FLOW_UNDECLARED_OUTCOME', '/nodes/p/outcomes/next'],
      ['ERR_FLOW_UNWIRED_OUTCOME', '/nodes/p/outcomes/block'],
    ]);
    expect(list[0]?.message).toMatch(/page never returns the outcome "next"/);
  });

  it('refuses a child before the last that may end in more than one outcome, at the child', () => {
    const list = problems(
      flowWith([
        { id: 'gate', type: 'test.gate' },
        { id: 'b', type: 'test.page' },
      ]),
    );
    expect(where(list)).toEqual([['ERR_FLOW_PAGE', '/nodes/p/config/nodes/0']]);
    expect(list[0]?.message).toMatch(
      /"gate" of page "p" \(test\.gate\) may end in 2 outcomes \("pass", "block"\).*only the last node of a page may branch/,
    );
  });

  it("reports a child's config problems at pointers inside the page's config", () => {
    const list = problems(
      flowWith([
        { id: 'a', type: 'test.check', config: { issuer: 'not a uri', extra: 1 } },
        { id: 'b', type: 'test.page', config: { title: 3 } },
      ]),
    );
    expect(where(list)).toEqual([
      ['ERR_FLOW_CONFIG', '/nodes/p/config/nodes/0/config/extra'],
      ['ERR_FLOW_CONFIG', '/nodes/p/config/nodes/0/config/issuer'],
      ['ERR_FLOW_CONFIG', '/nodes/p/config/nodes/1/config/title'],
    ]);
  });

  it('reports an unknown child type as an unknown node type, with a suggestion', () => {
    const list = problems(flowWith([{ id: 'a', type: 'test.pagee' }]));
    expect(where(list)).toEqual([['ERR_FLOW_UNKNOWN_TYPE', '/nodes/p/config/nodes/0/type']]);
    expect(list[0]?.message).toBe('node "p/a" has the unknown type "test.pagee". Did you mean "test.page"?');
  });

  it('refuses a wrong pinned version, duplicate child ids, a page inside a page and an empty page', () => {
    const pinned = flowWith(
      [
        { id: 'b', type: 'test.page' },
        { id: 'a', type: 'test.check', version: 1, config: { issuer: 'https://as.example' } },
      ],
      {
        valid: 'success',
        invalid: 'failure',
      },
    );
    expect(where(problems(pinned))).toEqual([['ERR_FLOW_NODE_VERSION', '/nodes/p/config/nodes/1/version']]);
    expect(
      where(
        problems(
          flowWith([
            { id: 'a', type: 'test.page' },
            { id: 'a', type: 'test.page' },
          ]),
        ),
      ),
    ).toEqual([['ERR_FLOW_PAGE', '/nodes/p/config/nodes/1/id']]);
    expect(where(problems(flowWith([{ id: 'a', type: 'page', config: { nodes: [{ id: 'x', type: 'test.page' }] } }])))).toEqual([
      ['ERR_FLOW_PAGE', '/nodes/p/config/nodes/0/type'],
    ]);
    expect(where(problems(flowWith([])))).toEqual([['ERR_FLOW_CONFIG', '/nodes/p/config/nodes']]);
    expect(where(problems(flowWith([{ id: 'a', type: 'test.page' }], { next: 'success' }, { colour: 'red' })))).toEqual([
      ['ERR_FLOW_CONFIG', '/nodes/p/config/colour'],
    ]);
  });

  it('is known to every registry, and a registry copied from another keeps its own page', () => {
    const registry = new NodeRegistry();
    expect(registry.get('page')?.type).toBe('page');
    expect(registry.sourceOf('page')).toBe('engine');
    const copy = new NodeRegistry();
    copy.registerAll(testRegistry().list());
    expect(copy.get('page')).toBe(copy.get('page'));
    expect(copy.get('page')).not.toBe(registry.get('page'));
    const outcomes = copy.get('page')!.outcomes as (config: unknown) => readonly string[];
    expect(outcomes({ nodes: [{ id: 'a', type: 'test.choose' }] })).toEqual(['a', 'b']);
  });
});
