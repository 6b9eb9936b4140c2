import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { importDavinci, IMPORT_ERRORS, statsOf, type ImportFile } from '../src/index.js';
import { flatten } from '../src/davinci/rich-text.js';
import { DAVINCI_MAIN, FIXTURES, file, problemsOf } from './helpers.js';

const dv = (name: string) => file(join(FIXTURES, 'davinci', name));
const rt = (...children: object[]) => JSON.stringify([{ children }]);

/** A DaVinci flow from nodes [id, nodeType, connector, capability, properties] and edges [source, target, multiValueSourceId?]. */
function flowOf(nodes: [string, string, string?, string?, object?][], edges: [string, string, string?][], extra: object = {}): ImportFile {
  return {
    path: 'flow.json',
    text: JSON.stringify({
      flowId: 'f1',
      name: 'Test Flow',
      graphData: {
        elements: {
          nodes: nodes.map(([id, nodeType, connectorId, capabilityName, properties], i) => ({
            data: { id, nodeType, connectorId, capabilityName, properties: properties ?? {} },
            position: { x: i * 100, y: 0 },
          })),
          edges: edges.map(([source, target, multi], i) => ({
            data: { id: `e${i}`, source, target, ...(multi ? { multiValueSourceId: multi } : {}) },
          })),
        },
      },
      ...extra,
    }),
  };
}

describe('DaVinci fixtures', () => {
  it.each(DAVINCI_MAIN)('%s imports into flows that validate, with provenance and layout', (name) => {
    const { flows, report } = importDavinci(dv(name));
    for (const flow of flows) {
      expect(problemsOf(flow, report)).toEqual([]);
      expect(flow.layout?.nodes).toBeDefined();
      for (const node of Object.values(flow.nodes)) expect(node.description).toContain('source id');
    }
  });

  it('full-basic with its subflows: startUiSubFlow becomes flow.run naming the imported subflow; EVAL conditions become outcomes', () => {
    const { flows, report } = importDavinci(dv('full-basic.json'), {
      subflows: [dv('full-basic-subflow-1.json'), dv('full-basic-subflow-2.json')],
    });
    expect(flows.map((f) => f.id)).toEqual(['full-basic', 'subflow-1', 'subflow-2']);
    const main = flows[0]!;
    const runs = Object.values(main.nodes).filter((n) => n.type === 'flow.run');
    expect(runs.map((r) => r.config!.flow).sort()).toEqual(['subflow-1', 'subflow-2']);
    const compare = Object.values(main.nodes).find((n) => n.type === 'expression')!;
    expect(compare.config).toEqual({ rules: [{ when: '"1" == "1"', outcome: 'true' }], default: 'false' });
    // allTriggersTrue (absent) → subflow 1; anyTriggersFalse → subflow 2.
    expect(main.nodes[compare.outcomes.true!]!.config!.flow).toBe('subflow-1');
    expect(main.nodes[compare.outcomes.false!]!.config!.flow).toBe('subflow-2');
    // Flow variables are $vars with their exported values in the report, saveFlowValue a state.set.
    expect(main.nodes[main.start]).toMatchObject({
      type: 'state.set',
      config: {
        operations: [
          { set: 'fdgdfgfdg', value: 'test124' },
          { set: 'test123', value: 'test456' },
        ],
      },
    });
    expect(report.variables).toContainEqual({
      name: 'fdgdfgfdg',
      source: 'davinci-variable',
      where: 'full-basic/variables/fdgdfgfdg',
      value: 'thisisastring',
    });
    expect(report.nodes.filter((n) => n.sourceType === 'EVAL').every((n) => !n.counted)).toBe(true);
  });

  it('without the subflow exports, flow.run names the subflow by its label and the report says to import it', () => {
    const { report } = importDavinci(dv('full-basic.json'));
    expect(report.notes).toContainEqual({ flow: 'full-basic', message: expect.stringContaining('import it with --subflow') });
  });

  it('maps at least 85% of the fixture set to real node types (the README quotes the number)', () => {
    const nodes = DAVINCI_MAIN.flatMap((n) => importDavinci(dv(n)).report.nodes);
    expect(statsOf(nodes).share).toBeGreaterThanOrEqual(0.85);
  });
});

describe('DaVinci mapping rules', () => {
  it('multi-value branches: AEqualsMultipleB becomes expression rules, one outcome per value, -1 the default', () => {
    const props = {
      leftValueA: { value: rt({ text: '' }, { type: 'link', data: '{{local.form.payload.output.buttonValue}}' }, { text: '' }) },
      rightValueMultiple: {
        value: [
          { id: 'v1', value: rt({ text: 'SIGNON' }) },
          { id: 'v2', value: rt({ text: 'REGISTER' }) },
        ],
      },
    };
    const { flows } = importDavinci(
      flowOf(
        [
          ['m', 'CONNECTION', 'functionsConnector', 'AEqualsMultipleB', props],
          ['e1', 'EVAL'],
          ['e2', 'EVAL'],
          ['e3', 'EVAL'],
          ['a', 'CONNECTION', 'httpConnector', 'createSuccessResponse'],
          ['b', 'CONNECTION', 'errorConnector', 'customErrorMessage', { errorMessage: { value: rt({ text: 'No' }) } }],
          ['c', 'CONNECTION', 'httpConnector', 'customHtmlMessage', { message: { value: rt({ text: 'Hm' }) } }],
        ],
        [
          ['m', 'e1', 'v1'],
          ['e1', 'a'],
          ['m', 'e2', 'v2'],
          ['e2', 'b'],
          ['m', 'e3', '-1'],
          ['e3', 'c'],
        ],
      ),
    );
    const flow = flows[0]!;
    expect(flow.nodes[flow.start]).toMatchObject({
      type: 'expression',
      config: {
        rules: [
          { when: 'state.buttonValue == "SIGNON"', outcome: 'signon' },
          { when: 'state.buttonValue == "REGISTER"', outcome: 'register' },
        ],
        default: 'noMatch',
      },
      outcomes: { signon: 'success', register: expect.any(String), noMatch: expect.any(String) },
    });
  });

  it('goToNode teleports become an edge to the start node; parameters a state.set', () => {
    const { flows, report } = importDavinci(
      flowOf(
        [
          ['s', 'CONNECTION', 'httpConnector', 'customHtmlMessage', { message: { value: rt({ text: 'Hello' }) } }],
          ['e', 'EVAL'],
          ['g', 'CONNECTION', 'nodeConnector', 'goToNode', { nodeInstanceId: { value: 'st' }, userId: { value: rt({ text: 'u1' }) } }],
          ['st', 'CONNECTION', 'nodeConnector', 'startNode', {}],
          ['e2', 'EVAL'],
          ['done', 'CONNECTION', 'httpConnector', 'createSuccessResponse'],
        ],
        [
          ['s', 'e'],
          ['e', 'g'],
          ['st', 'e2'],
          ['e2', 'done'],
        ],
      ),
    );
    const flow = flows[0]!;
    expect(flow.nodes[flow.start]).toMatchObject({ type: 'message', config: { message: 'Hello' }, outcomes: { shown: 'goToNode' } });
    expect(flow.nodes.goToNode).toMatchObject({
      type: 'state.set',
      config: { operations: [{ set: 'userId', value: 'u1' }] },
      outcomes: { done: 'success' },
    });
    expect(report.nodes.find((n) => n.sourceId === 'st')).toMatchObject({ status: 'mapped', mappedTo: 'edge' });
  });

  it('parallel successors: one path is kept and the report says so', () => {
    const { report } = importDavinci(
      flowOf(
        [
          ['s', 'CONNECTION', 'httpConnector', 'customHtmlMessage', { message: { value: rt({ text: 'x' }) } }],
          ['e', 'EVAL', undefined, undefined, { a: { value: 'always' }, b: { value: 'anyTriggersFalse' } }],
          ['a', 'CONNECTION', 'httpConnector', 'createSuccessResponse'],
          ['b', 'CONNECTION', 'errorConnector', 'customErrorMessage', {}],
        ],
        [
          ['s', 'e'],
          ['e', 'a'],
          ['e', 'b'],
        ],
      ),
    );
    expect(report.nodes.find((n) => n.sourceId === 's')!.notes).toContainEqual(expect.stringContaining('both run in DaVinci'));
  });

  it('rich text: literals, node outputs (state), company variables ($var), flow-instance variables (state), templates', () => {
    expect(flatten(rt({ text: 'Hello, ' }, { text: 'world' }))).toEqual({ kind: 'literal', value: 'Hello, world' });
    expect(flatten(rt({ text: '' }, { type: 'link', data: '{{local.abc.payload.output.user.id}}' }, { text: ' ' }))).toEqual({
      kind: 'ref',
      ref: 'state.user.id',
      source: '{{local.abc.payload.output.user.id}}',
    });
    expect(flatten(rt({ type: 'link', data: '{{global.variables.companyName}}' }))).toMatchObject({
      kind: 'variable',
      name: 'companyName',
    });
    expect(flatten(rt({ type: 'link', data: '{{global.variables.step}}' }), new Set(['step']))).toMatchObject({
      kind: 'ref',
      ref: 'state.step',
    });
    expect(flatten(rt({ text: 'Hi ' }, { type: 'link', data: '{{local.a.payload.output.name}}' }))).toMatchObject({
      kind: 'template',
      text: 'Hi {{local.a.payload.output.name}}',
    });
  });

  it('connectors with no counterpart become placeholders keeping true/false; secrets in their properties are listed, never kept', () => {
    const { flows, report } = importDavinci(
      flowOf(
        [
          ['x', 'CONNECTION', 'acmeConnector', 'callApi', { apiKey: { value: 'sk_live_0123456789abcdef' } }],
          ['e', 'EVAL'],
          ['d', 'CONNECTION', 'httpConnector', 'createSuccessResponse'],
        ],
        [
          ['x', 'e'],
          ['e', 'd'],
        ],
      ),
    );
    expect(flows[0]!.nodes[flows[0]!.start]).toMatchObject({ type: 'import.placeholder', outcomes: { true: 'success', false: 'failure' } });
    expect(JSON.stringify(flows)).not.toContain('sk_live');
    expect(report.secrets).toContainEqual(expect.objectContaining({ source: 'inline', rotate: true }));
  });
});

describe('DaVinci bad input', () => {
  const codeOf = (f: ImportFile, subflows: ImportFile[] = []) => {
    try {
      importDavinci(f, { subflows });
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
    return undefined;
  };
  it('truncated → ERR_IMPORT_PARSE; unknown → ERR_IMPORT_FORMAT; an edge to a missing node → ERR_IMPORT_MISSING_NODE', () => {
    expect(codeOf({ path: 'f.json', text: dv('sign-on.json').text.slice(0, 300) })?.code).toBe(IMPORT_ERRORS.ERR_IMPORT_PARSE);
    expect(codeOf({ path: 'f.json', text: '{"tree":{}}' })).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_FORMAT,
      message: expect.stringContaining('f.json: not a DaVinci flow export'),
    });
    expect(codeOf(flowOf([['a', 'CONNECTION', 'x', 'y']], [['a', 'gone']]))).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_MISSING_NODE,
      message: expect.stringContaining('gone'),
    });
  });
  it('subflows calling each other → ERR_IMPORT_RECURSION naming the chain', () => {
    const call = (id: string, name: string, target: string): ImportFile => ({
      path: `${id}.json`,
      text: JSON.stringify({
        flowId: id,
        name,
        graphData: {
          elements: {
            nodes: [
              {
                data: {
                  id: 'n',
                  nodeType: 'CONNECTION',
                  connectorId: 'flowConnector',
                  capabilityName: 'startUiSubFlow',
                  properties: { subFlowId: { value: { label: target, value: target } } },
                },
              },
            ],
            edges: [],
          },
        },
      }),
    });
    expect(codeOf(call('p', 'Parent', 'c'), [call('c', 'Child', 'p')])).toEqual({
      code: IMPORT_ERRORS.ERR_IMPORT_RECURSION,
      message: expect.stringContaining('Parent → Child → Parent'),
    });
  });
});
