import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { validateFlowJson, FLOW_PROBLEM_CODES, type FlowProblem } from '@waymark/core';
import { testRegistry } from './test-nodes.js';

const dir = new URL('../fixtures/broken/', import.meta.url);
type Expected = Pick<FlowProblem, 'code' | 'pointer'>;
const C = FLOW_PROBLEM_CODES;

/** Every broken fixture and exactly the problems it must produce (code and pointer). */
const table: Record<string, Expected[]> = {
  'schema-flow-id.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/id' }],
  'schema-unknown-key.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/timeOut' }],
  'schema-version-string.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/version' }],
  'schema-limits.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/limits/maxSteps' }],
  'schema-node-id.json': [
    { code: C.ERR_FLOW_SCHEMA, pointer: '/nodes/gate-keeper' },
    { code: C.ERR_FLOW_SCHEMA, pointer: '/nodes/check/outcomes/valid' },
  ],
  'schema-node-outcomes-missing.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/nodes/gate/outcomes' }],
  'schema-node-unknown-key.json': [{ code: C.ERR_FLOW_SCHEMA, pointer: '/nodes/gate/confg' }],
  'missing-start.json': [{ code: C.ERR_FLOW_MISSING_START, pointer: '/start' }],
  'unknown-start.json': [{ code: C.ERR_FLOW_MISSING_START, pointer: '/start' }],
  'unknown-type.json': [{ code: C.ERR_FLOW_UNKNOWN_TYPE, pointer: '/nodes/check/type' }],
  'node-version.json': [{ code: C.ERR_FLOW_NODE_VERSION, pointer: '/nodes/check/version' }],
  'config-missing-required.json': [{ code: C.ERR_FLOW_CONFIG, pointer: '/nodes/check/config/issuer' }],
  'config-format.json': [{ code: C.ERR_FLOW_CONFIG, pointer: '/nodes/check/config/issuer' }],
  'config-key-escaped.json': [{ code: C.ERR_FLOW_CONFIG, pointer: '/nodes/check/config/a~1b~0c' }],
  'undeclared-outcome.json': [{ code: C.ERR_FLOW_UNDECLARED_OUTCOME, pointer: '/nodes/gate/outcomes/maybe' }],
  'undeclared-outcome-from-config.json': [{ code: C.ERR_FLOW_UNDECLARED_OUTCOME, pointer: '/nodes/gate/outcomes/middle' }],
  'unwired-outcome.json': [{ code: C.ERR_FLOW_UNWIRED_OUTCOME, pointer: '/nodes/gate/outcomes/block' }],
  'unknown-target.json': [
    { code: C.ERR_FLOW_UNKNOWN_TARGET, pointer: '/nodes/check/outcomes/valid' },
    { code: C.ERR_FLOW_UNREACHABLE, pointer: '/nodes/gate' },
  ],
  'unreachable.json': [{ code: C.ERR_FLOW_UNREACHABLE, pointer: '/nodes/orphan' }],
  'no-exit-cycle.json': [{ code: C.ERR_FLOW_NO_EXIT_CYCLE, pointer: '/nodes/check' }],
  'no-exit-self-loop.json': [{ code: C.ERR_FLOW_NO_EXIT_CYCLE, pointer: '/nodes/retry' }],
  'reserved-id.json': [{ code: C.ERR_FLOW_RESERVED_ID, pointer: '/nodes/success' }],
  'duplicate-id.json': [{ code: C.ERR_FLOW_DUPLICATE_ID, pointer: '/nodes/gate' }],
  'duplicate-key.json': [{ code: C.ERR_FLOW_DUPLICATE_KEY, pointer: '/version' }],
  'json-missing-comma.json': [{ code: C.ERR_FLOW_JSON, pointer: '/nodes/gate/outcomes' }],
};

function problemsOf(file: string): FlowProblem[] {
  const result = validateFlowJson(readFileSync(new URL(file, dir), 'utf8'), testRegistry(), file);
  return result.ok ? [] : result.problems;
}

describe('broken flow fixtures', () => {
  it('every fixture under fixtures/broken has an expectation in the table (none goes unasserted)', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s reports exactly its problems, by code and pointer', (file, expected) => {
    const problems = problemsOf(file);
    expect(problems.map(({ code, pointer }) => ({ code, pointer }))).toEqual(expected);
  });

  it.each(Object.keys(table))('%s explains every problem in a sentence that names a fix', (file) => {
    for (const problem of problemsOf(file)) {
      expect(problem.message).toMatch(/\b(add|remove|rename|set|use|fix|point|wire|write|Did you mean|Expected)\b/i);
    }
  });
});
