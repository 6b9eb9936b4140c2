import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { engineNodes } from '@waymark/core';
import { builtinNodes, hashPassword, MemoryUserStore, type UserRecord } from '@waymark/nodes';
import { runFlow } from '@waymark/testing';
import { importAic, importDavinci, importPlaceholder, IMPORT_ERRORS, type FlowJson } from '../src/index.js';
import { FIXTURES, file } from './helpers.js';

/**
 * Imported journeys run through the engine with scripted answers and take the paths their
 * sources would, on the real node types (the engine's flow.run and page, the built-ins, the
 * user-store steps on a memory user store) and the importer's placeholder.
 */
let ada: UserRecord;
beforeAll(async () => {
  ada = { sub: 'u-ada', username: 'ada', passwordHash: await hashPassword('correct horse', { N: 1024 }), attributes: {} };
});

const nodes = [...engineNodes, ...builtinNodes, importPlaceholder];
const aic = (name: string): FlowJson => importAic([file(join(FIXTURES, 'aic', name))]).flows[0]!;
/** A stand-in for an inner tree the export does not hold: a flow of that id that succeeds at once. */
const innerTreeOf = (flow: FlowJson): object[] =>
  Object.values(flow.nodes)
    .filter((n) => n.type === 'flow.run')
    .map((n) => ({
      id: (n.config as { flow: string }).flow,
      version: 1,
      description: 'the inner tree the export refers to, succeeding at once',
      start: 'done',
      nodes: { done: { type: 'state.set', config: { operations: [{ set: 'innerTree', value: true }] }, outcomes: { done: 'success' } } },
    }));
const run = (flow: FlowJson, script: Parameters<typeof runFlow>[1], subflows: object[] = innerTreeOf(flow)) =>
  runFlow(flow, script, { nodes, subflows, services: { users: new MemoryUserStore([ada]) } });

describe('imported AIC journeys run as their sources would', () => {
  it('Login: right credentials → verify, login count, inner tree, session, success', async () => {
    const r = await run(aic('Login.journey.json'), [{ expect: ['NameCallback', 'PasswordCallback'], answer: ['ada', 'correct horse'] }]);
    expect(r.status).toBe('success');
    expect(r.path).toEqual(['pageNode', 'identityStoreDecision', 'incrementLoginCount', 'innerTreeEvaluator', 'createSession']);
  });

  it('Login: a wrong password goes through the retry limit back to the page', async () => {
    const r = await run(aic('Login.journey.json'), [
      { answer: ['ada', 'wrong'] },
      { expect: ['TextOutputCallback', 'NameCallback', 'PasswordCallback'] },
    ]);
    expect(r.status).toBe('suspended');
    expect(r.path).toEqual(['pageNode', 'identityStoreDecision', 'retryLimitDecision', 'pageNode']);
    expect(r.outcomes.slice(0, 3)).toEqual(['collected', 'invalid', 'retry']);
  });

  it('RetryLimit: separate username and password steps; after the three retries AIC allows, a fourth wrong password locks the account and fails', async () => {
    const wrong = [
      { expect: ['NameCallback'], answer: ['ada'] },
      { expect: ['PasswordCallback'], answer: ['nope'] },
    ];
    // Asked again, the password step says why (credentials.password shows the refusal).
    const again = [wrong[0]!, { expect: ['TextOutputCallback', 'PasswordCallback'], answer: ['nope'] }];
    const r = await run(aic('RetryLimit.journey.json'), [...wrong, ...again, ...again, ...again]);
    expect(r.status).toBe('failure');
    expect(r.path.slice(-3)).toEqual(['dataStoreDecision', 'retryLimitDecision', 'accountLockout']);
  });

  it('RetryLimit: the right password succeeds with a session', async () => {
    const r = await run(aic('RetryLimit.journey.json'), [{ answer: ['ada'] }, { answer: ['correct horse'] }]);
    expect(r.status).toBe('success');
    expect(r.path).toEqual(['userNameCollector', 'passwordCollector', 'dataStoreDecision', 'createSession']);
  });

  it('Example: a journey that reaches a placeholder fails with ERR_IMPORT_PLACEHOLDER', async () => {
    const r = await run(aic('Example.journey.json'), []);
    expect(r.status).toBe('failure');
    expect(r.path).toEqual(['zeroPageLoginCollector']);
    const step = r.trace.find((t) => t.node === 'zeroPageLoginCollector')!;
    expect(JSON.stringify(step)).toContain(IMPORT_ERRORS.ERR_IMPORT_PLACEHOLDER);
  });
});

describe('imported DaVinci journeys run as their sources would', () => {
  const dv = (name: string) => importDavinci(file(join(FIXTURES, 'davinci', name))).flows[0]!;

  it('sign-on: the form collects, checkPassword verifies, the success response ends in success', async () => {
    const r = await run(dv('sign-on.json'), [{ expect: ['NameCallback', 'PasswordCallback'], answer: ['ada', 'correct horse'] }]);
    expect(r.status).toBe('success');
    expect(r.path).toEqual(['signOnForm', 'checkPassword']);
  });

  it('sign-on: a wrong password takes the anyTriggersFalse branch to the error message, then failure', async () => {
    const r = await run(dv('sign-on.json'), [{ answer: ['ada', 'wrong'] }, { expect: ['TextOutputCallback'], answer: [] }]);
    expect(r.status).toBe('failure');
    expect(r.path).toEqual(['signOnForm', 'checkPassword', 'signOnFailed']);
    expect(r.suspensions[1]![0]!.output[0]!.value).toBe('Wrong username or password.');
  });

  it('subflow 1: the HTML message shows its flattened text, then success', async () => {
    const r = await run(dv('full-basic-subflow-1.json'), [{ expect: ['TextOutputCallback'], answer: [] }]);
    expect(r.status).toBe('success');
    expect(r.suspensions[0]![0]!.output[0]!.value).toBe('Subflow 1');
  });
});
