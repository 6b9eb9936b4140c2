import { describe, expect, it } from '@jest/globals';
import { calledFlows, Simulator } from '../src/simulate.js';
import { PASSWORD } from './support.js';

/*
 * simulate_flow with a flow.run node (issue #20's subflows): the called flows run on the same
 * isolated engine, their steps nested under the calling node's trace step; the tool fetches
 * them (transitively, once each) from the server as saved.
 */

const signIn = {
  id: 'sign-in-step',
  version: 2,
  description: 'Username and password.',
  start: 'collect',
  nodes: {
    collect: { type: 'credentials.collect', outcomes: { collected: 'verify' } },
    verify: { type: 'credentials.verify', outcomes: { valid: 'success', invalid: 'failure', locked: 'failure' } },
  },
};
const parent = {
  id: 'calls-sign-in',
  version: 1,
  description: 'Runs sign-in-step, then a session.',
  start: 'signIn',
  nodes: {
    signIn: { type: 'flow.run', config: { flow: 'sign-in-step', state: 'shared' }, outcomes: { success: 'session', failure: 'failure' } },
    session: { type: 'session.create', outcomes: { created: 'success', conflict: 'failure' } },
  },
};

describe('simulate_flow: flow.run', () => {
  it('runs the called flow inside the journey; its steps nest under the flow.run step', async () => {
    const report = await new Simulator().run({
      flow: parent,
      subflows: [signIn],
      users: [{ username: 'alice', password: PASSWORD }],
      visits: [
        { answers: [{ NameCallback: 'alice', PasswordCallback: PASSWORD }] },
        { newBrowser: true, answers: [{ NameCallback: 'alice', PasswordCallback: 'wrong' }] },
      ],
    });
    const [right, wrong] = report.visits;
    expect(right).toMatchObject({ status: 'success', sub: 'user-alice' });
    const step = right!.trace.find((s) => s.node === 'signIn' && s.outcome === 'success')!;
    expect(step.subflow).toMatchObject({ flowId: 'sign-in-step', flowVersion: 2 });
    expect(step.subflow!.trace.map((s) => `${s.node}:${s.outcome}`)).toEqual(['collect:collected', 'verify:valid']);
    expect(wrong).toMatchObject({ status: 'failure' });
  });

  it('a called flow not given is a coded argument error naming the flow.run node, nothing run', async () => {
    await expect(new Simulator().run({ flow: parent, visits: [{}] })).rejects.toMatchObject({
      code: 'ERR_MCP_ARGUMENT',
      details: { problems: [expect.objectContaining({ code: 'ERR_FLOW_SUBFLOW_NOT_FOUND', pointer: '/nodes/signIn/config/flow' })] },
    });
  });

  it('calledFlows fetches every flow called, transitively, once each', async () => {
    const fetched: string[] = [];
    const flows: Record<string, unknown> = {
      'sign-in-step@active': { ...signIn, nodes: { ...signIn.nodes } },
      'calls-sign-in@active': parent,
    };
    const found = await calledFlows(parent, async (id, version) => {
      fetched.push(`${id}@${version ?? 'active'}`);
      return flows[`${id}@${version ?? 'active'}`];
    });
    expect(found).toEqual([flows['sign-in-step@active']]);
    expect(fetched).toEqual(['sign-in-step@active']);
  });
});
