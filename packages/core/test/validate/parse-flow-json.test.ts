import { describe, it, expect } from '@jest/globals';
import { FLOW_PROBLEM_CODES as C } from '@waymark/core';
import { parseFlowJson } from '@waymark/core/internal';

describe('parseFlowJson', () => {
  it('returns the parsed value of valid JSON', () => {
    expect(parseFlowJson('{ "a": [1, 2.5e3, "x\\n", true, null] }')).toEqual({ ok: true, value: { a: [1, 2500, 'x\n', true, null] } });
  });

  it('ignores a leading byte order mark', () => {
    expect(parseFlowJson('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reports a duplicate node id with its pointer and both lines, and still returns the value', () => {
    const text = '{\n  "nodes": {\n    "a": {},\n    "a": { "type": "x.y" }\n  }\n}';
    const parsed = parseFlowJson(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([{ code: C.ERR_FLOW_DUPLICATE_ID, pointer: '/nodes/a', message: expect.stringContaining('lines 3 and 4') }]);
    expect(parsed.value).toEqual({ nodes: { a: { type: 'x.y' } } });
  });

  it('reports a duplicate key outside nodes as ERR_FLOW_DUPLICATE_KEY with an escaped pointer', () => {
    const parsed = parseFlowJson('{"nodes":{"a":{"config":{"x/y":1,"x/y":2}}}}');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems.map((p) => [p.code, p.pointer])).toEqual([[C.ERR_FLOW_DUPLICATE_KEY, '/nodes/a/config/x~1y']]);
  });

  it.each([
    ['{"a": 1,}', 1, 9],
    ['{\n  "a": tru\n}', 2, 8],
    ['{"a": "unterminated', 1, 20],
    ['{"a": 1} extra', 1, 10],
    ['', 1, 1],
    ['{"a": 01}', 1, 8],
    ['{"a": "bad \\x escape"}', 1, 12],
  ])('reports the syntax error in %j as ERR_FLOW_JSON at line %i, column %i', (text, line, column) => {
    const parsed = parseFlowJson(text, 'f.json');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]?.code).toBe(C.ERR_FLOW_JSON);
    expect(parsed.problems[0]?.message).toContain(`f.json:${line}:${column}`);
    expect('value' in parsed).toBe(false);
  });

  it('points a syntax error at the JSON place being read', () => {
    const parsed = parseFlowJson('{"nodes": {"a~b": {"outcomes": {"x": "y" "z": "w"}}}}');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems[0]?.pointer).toBe('/nodes/a~0b/outcomes');
  });

  it('reports absurd nesting as ERR_FLOW_JSON instead of crashing', () => {
    const parsed = parseFlowJson('['.repeat(100000) + ']'.repeat(100000));
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems[0]?.code).toBe(C.ERR_FLOW_JSON);
  });
});
