import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createEngine, referencedVariables, validateFlow, FLOW_PROBLEM_CODES } from '@waymark/core';
import { check, choose, gate } from './test-nodes.js';
import { testRegistry } from './test-nodes.js';

const base = JSON.parse(readFileSync(new URL('../fixtures/broken/config-format.json', import.meta.url), 'utf8')) as {
  nodes: { check: { config: Record<string, unknown> } };
};
/** The fixture's flow with the check node's config replaced. */
function flowWith(config: Record<string, unknown>) {
  const flow = structuredClone(base);
  flow.nodes.check.config = config;
  return flow;
}

describe('flow variables ({ "$var": name } in node config)', () => {
  it('resolves a reference before the node type checks the config, and leaves the flow document untouched', () => {
    const flow = flowWith({ issuer: { $var: 'issuer' }, leeway: { $var: 'leeway' } });
    const result = validateFlow(flow, testRegistry(), { variables: { issuer: 'https://as.example', leeway: 5 } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.configs.check).toEqual({ issuer: 'https://as.example', leeway: 5 });
    expect(flow.nodes.check.config.issuer).toEqual({ $var: 'issuer' });
    expect(referencedVariables(flow)).toEqual(['issuer', 'leeway']);
  });

  it('reports an undefined variable at the reference, with where to define it and a near name', () => {
    const result = validateFlow(flowWith({ issuer: { $var: 'isuer' } }), testRegistry(), { variables: { issuer: 'https://as.example' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        code: FLOW_PROBLEM_CODES.ERR_FLOW_VARIABLE,
        pointer: '/nodes/check/config/issuer',
        message: expect.stringMatching(
          /"isuer" is not defined: set it under "variables".*WAYMARK_VAR_isuer.*--var isuer=.*Did you mean "issuer"/,
        ),
      },
    ]);
    // Without any variables, the same reference is a problem too (a flow that cannot run here).
    const none = validateFlow(flowWith({ issuer: { $var: 'issuer' } }), testRegistry());
    expect(none.ok === false && none.problems.map((p) => p.code)).toEqual([FLOW_PROBLEM_CODES.ERR_FLOW_VARIABLE]);
  });

  it('checks the resolved value against the type: a variable holding a bad value is the config problem it makes', () => {
    const result = validateFlow(flowWith({ issuer: { $var: 'issuer' } }), testRegistry(), { variables: { issuer: 'not a url' } });
    expect(result.ok === false && result.problems).toEqual([
      expect.objectContaining({ code: FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG, pointer: '/nodes/check/config/issuer' }),
    ]);
  });

  it('refuses a malformed $var and resolves references inside arrays', () => {
    const bad = validateFlow(flowWith({ issuer: { $var: '1st issuer' } }), testRegistry(), { variables: {} });
    expect(bad.ok === false && bad.problems).toEqual([
      expect.objectContaining({ code: 'ERR_FLOW_VARIABLE', pointer: '/nodes/check/config/issuer/$var' }),
    ]);
    const flow = {
      id: 'pick',
      version: 1,
      description: 'Chooses.',
      start: 'pick',
      nodes: { pick: { type: 'test.choose', config: { options: [{ $var: 'first' }, 'b'] }, outcomes: { x: 'success', b: 'failure' } } },
    };
    const result = validateFlow(flow, testRegistry(), { variables: { first: 'x' } });
    expect(result.ok && result.configs.pick).toEqual({ options: ['x', 'b'] });
  });

  it('an engine resolves its variables when it loads a flow, and refuses malformed variables at creation', async () => {
    const engine = await createEngine({ nodes: [check, gate, choose], variables: { issuer: 'https://as.example' } });
    const compiled = engine.load(flowWith({ issuer: { $var: 'issuer' } }));
    expect(compiled.id).toBe('test-login');
    const plain = await createEngine({ nodes: [check, gate, choose] });
    expect(() => plain.load(flowWith({ issuer: { $var: 'issuer' } }))).toThrow(expect.objectContaining({ code: 'ERR_FLOW_INVALID' }));
    await expect(createEngine({ variables: { 'bad name': 'x' } })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(createEngine({ variables: { issuer: '' } })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });
});
