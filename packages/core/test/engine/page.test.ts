import { describe, expect, it } from '@jest/globals';
import { createEngine, createMemoryStores, type JourneyEvent, type SuspendedResult } from '@waymark/core';
import { callbacks, defineNode, inputValue, outputValue, type Callback } from '@waymark/sdk';
import { request } from './helpers.js';

const key = Buffer.alloc(32, 7).toString('base64url');

/** Asks the username (namespace `creds`); refuses an empty one with a message. */
const username = defineNode({
  type: 'creds.username',
  version: 1,
  description: 'Asks the username.',
  config: { type: 'object', additionalProperties: false, properties: { prompt: { type: 'string', default: 'User Name' } } } as const,
  outcomes: ['collected'],
  run(ctx, config) {
    const value = inputValue(ctx.callbacks?.[0]);
    if (typeof value === 'string' && value.trim() !== '') {
      ctx.state.username = value.trim();
      return 'collected';
    }
    return ctx.suspend([callbacks.name(config.prompt)], { header: 'child header' });
  },
});

/** Asks the password into the `creds` namespace; refuses a short one (as a refused input). */
const password = defineNode({
  type: 'creds.password',
  version: 1,
  description: 'Asks the password.',
  outcomes: ['collected'],
  run(ctx) {
    const value = inputValue(ctx.callbacks?.find((c) => c.type === 'PasswordCallback'));
    if (typeof value === 'string' && value.length >= 4) {
      ctx.secrets.password = value;
      return 'collected';
    }
    const refused = ctx.callbacks === undefined ? [] : [callbacks.textOutput('Too short', 2)];
    return ctx.suspend([...refused, callbacks.password('Password')]);
  },
});

/** Checks the password another node of its namespace stored: only passes when it sees it. */
const verify = defineNode({
  type: 'creds.verify',
  version: 1,
  description: 'Checks the password.',
  outcomes: ['valid', 'invalid'],
  run(ctx) {
    return ctx.secrets.password === 'hunter2' ? 'valid' : { outcome: 'invalid', reason: 'password' };
  },
});

/** A choice: each option is an outcome. */
const choose = defineNode({
  type: 'test.choose',
  version: 1,
  description: 'Offers options; each is an outcome.',
  config: {
    type: 'object',
    additionalProperties: false,
    properties: { options: { type: 'array', items: { type: 'string' }, minItems: 1, default: ['stay', 'leave'] } },
  } as const,
  outcomes: (config) => config.options,
  run(ctx, config) {
    const index = inputValue(ctx.callbacks?.[0]);
    if (typeof index === 'number' && config.options[index] !== undefined) return config.options[index];
    return ctx.suspend([callbacks.choice('Stay signed in?', [...config.options], 0)]);
  },
});

/** Never asks; counts its runs. */
const note = defineNode({
  type: 'test.note',
  version: 1,
  description: 'Passes without asking.',
  outcomes: ['noted'],
  run(ctx) {
    ctx.state.noted = (typeof ctx.state.noted === 'number' ? ctx.state.noted : 0) + 1;
    return 'noted';
  },
});

/** Throws on resume. */
const broken = defineNode({
  type: 'test.broken',
  version: 1,
  description: 'Asks, then throws.',
  outcomes: ['done'],
  run(ctx) {
    if (ctx.callbacks === undefined) return ctx.suspend([callbacks.name('Anything')]);
    throw new Error('boom');
  },
});

/** Declares one outcome, answers another. */
const liar = defineNode({
  type: 'test.liar',
  version: 1,
  description: 'Answers an undeclared outcome.',
  outcomes: ['done'],
  run: () => 'other',
});

const nodes = [username, password, verify, choose, note, broken, liar];

function answer(asked: readonly Callback[], values: Record<string, unknown>): Callback[] {
  return asked.map((cb) => ({
    type: cb.type,
    output: cb.output,
    input: cb.input.map((f) => ({ name: f.name, value: f.name in values ? values[f.name] : f.value })),
  }));
}

function loginPage(children?: unknown[], outcomes?: Record<string, string>) {
  const wired = outcomes ?? { stay: 'check', leave: 'check' };
  const flow = {
    id: 'page-login',
    version: 1,
    description: 'Credentials and a choice on one page.',
    start: 'login',
    nodes: {
      login: {
        type: 'page',
        config: {
          header: 'Sign in',
          description: 'Use your company account.',
          stage: 'credentials',
          nodes: children ?? [
            { id: 'user', type: 'creds.username', config: { prompt: 'Email' } },
            { id: 'pass', type: 'creds.password' },
            { id: 'remember', type: 'test.choose' },
          ],
        },
        outcomes: wired,
      },
      check: { type: 'creds.verify', outcomes: { valid: 'success', invalid: 'failure' } } as object | undefined,
    },
  };
  if (!Object.values(wired).includes('check')) delete flow.nodes.check;
  return flow;
}

async function engineWithPage(flow: unknown = loginPage()) {
  const engine = await createEngine({ nodes, secretKeys: [key] });
  engine.load(flow);
  return engine;
}

describe('page: several input nodes as one step', () => {
  it("shows every child's callbacks as one step with the page's header, description and stage", async () => {
    const engine = await engineWithPage();
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    expect(first.status).toBe('suspended');
    expect(first).toMatchObject({ header: 'Sign in', description: 'Use your company account.', stage: 'credentials' });
    expect(first.callbacks.map((c) => [c.type, c.input[0]!.name])).toEqual([
      ['NameCallback', 'IDToken1'],
      ['PasswordCallback', 'IDToken2'],
      ['ChoiceCallback', 'IDToken3'],
    ]);
    expect(outputValue(first.callbacks[0], 'prompt')).toBe('Email'); // the child's config, defaults applied
    expect(first.trace).toEqual([
      expect.objectContaining({
        node: 'login',
        type: 'page',
        outcome: 'suspended',
        children: [
          expect.objectContaining({ node: 'user', type: 'creds.username', outcome: 'suspended' }),
          expect.objectContaining({ node: 'pass', type: 'creds.password', outcome: 'suspended' }),
          expect.objectContaining({ node: 'remember', type: 'test.choose', outcome: 'suspended' }),
        ],
      }),
    ]);
    expect((await engine.pending(first.journeyId))?.description).toBe('Use your company account.');
  });

  it("gives each child its own callbacks back and ends with the last child's outcome; secrets follow each child's type", async () => {
    const engine = await engineWithPage();
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    const done = await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, { IDToken1: 'ada', IDToken2: 'hunter2', IDToken3: 1 }),
    });
    expect(done.status).toBe('success'); // creds.verify saw the password the page's child stored in `creds`
    expect(done.status === 'success' && done.state.username).toBe('ada');
    expect(done.trace[1]).toMatchObject({
      node: 'login',
      type: 'page',
      outcome: 'leave',
      children: [
        { node: 'user', outcome: 'collected' },
        { node: 'pass', outcome: 'collected' },
        { node: 'remember', outcome: 'leave' },
      ],
    });
  });

  it('follows the outcome the last child picked', async () => {
    const engine = await engineWithPage(loginPage(undefined, { stay: 'check', leave: 'failure' }));
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    const left = await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, { IDToken1: 'ada', IDToken2: 'hunter2', IDToken3: 1 }),
    });
    expect(left).toMatchObject({ status: 'failure', node: 'login' });
    const again = (await engine.start('page-login', { request })) as SuspendedResult;
    const stayed = await engine.resume(again.journeyId, {
      request,
      callbacks: answer(again.callbacks, { IDToken1: 'ada', IDToken2: 'hunter2', IDToken3: 0 }),
    });
    expect(stayed.status).toBe('success');
  });

  it('shows the whole page again when one child refuses its input, keeping what was typed (not the password)', async () => {
    const engine = await engineWithPage();
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    const refused = (await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, { IDToken1: 'ada', IDToken2: 'abc', IDToken3: 1 }),
    })) as SuspendedResult;
    expect(refused.status).toBe('suspended');
    expect(refused.header).toBe('Sign in');
    expect(refused.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'TextOutputCallback', 'PasswordCallback', 'ChoiceCallback']);
    expect(refused.callbacks.map((c) => c.input[0]?.value)).toEqual(['ada', undefined, '', 1]);
    expect(outputValue(refused.callbacks[1], 'message')).toBe('Too short');
    expect(refused.trace[1]).toMatchObject({
      outcome: 'suspended',
      children: [
        { node: 'user', outcome: 'collected' },
        { node: 'pass', outcome: 'suspended' },
        { node: 'remember', outcome: 'leave' },
      ],
    });
    // Every child is judged again on the next submit: a changed username counts.
    const done = await engine.resume(refused.journeyId, {
      request,
      callbacks: answer(refused.callbacks, { IDToken1: 'grace', IDToken3: 'hunter2', IDToken4: 0 }),
    });
    expect(done.status).toBe('success');
    expect(done.status === 'success' && done.state.username).toBe('grace');
    expect(done.trace[2]).toMatchObject({ outcome: 'stay' });
  });

  it('lets a child that does not ask pass once per visit of the page', async () => {
    const engine = await engineWithPage(
      loginPage([
        { id: 'user', type: 'creds.username' },
        { id: 'seen', type: 'test.note' },
        { id: 'pass', type: 'creds.password' },
        { id: 'remember', type: 'test.choose' },
      ]),
    );
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    expect(first.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback', 'ChoiceCallback']);
    expect(first.trace[0]?.children?.map((c) => c.outcome)).toEqual(['suspended', 'noted', 'suspended', 'suspended']);
    const done = await engine.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, { IDToken1: 'ada', IDToken2: 'hunter2', IDToken3: 0 }),
    });
    expect(done.status).toBe('success');
    expect(done.status === 'success' && done.state.noted).toBe(1);
    expect(done.trace[1]?.children?.map((c) => c.node)).toEqual(['user', 'pass', 'remember']);
  });

  it("takes a last child's outcome when it does not ask, once the others answered", async () => {
    const engine = await engineWithPage(
      loginPage(
        [
          { id: 'user', type: 'creds.username' },
          { id: 'seen', type: 'test.note' },
        ],
        { noted: 'success' },
      ),
    );
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    expect(first.callbacks).toHaveLength(1);
    expect(first.header).toBe('Sign in');
    const done = await engine.resume(first.journeyId, { request, callbacks: answer(first.callbacks, { IDToken1: 'ada' }) });
    expect(done).toMatchObject({ status: 'success', trace: [{ outcome: 'suspended' }, { node: 'login', outcome: 'noted' }] });
  });

  it("uses the first asking child's header when the page has none, and runs through when nobody asks", async () => {
    const flow = loginPage(
      [
        { id: 'user', type: 'creds.username' },
        { id: 'seen', type: 'test.note' },
      ],
      { noted: 'success' },
    );
    delete (flow.nodes.login.config as { header?: string }).header;
    const engine = await engineWithPage(flow);
    const first = (await engine.start('page-login', { request })) as SuspendedResult;
    expect(first.header).toBe('child header');
    const quiet = await engineWithPage(loginPage([{ id: 'seen', type: 'test.note' }], { noted: 'success' }));
    const through = await quiet.start('page-login', { request });
    expect(through).toMatchObject({
      status: 'success',
      trace: [{ node: 'login', type: 'page', outcome: 'noted', children: [{ node: 'seen', outcome: 'noted' }] }],
    });
  });

  it("ends in the page's error outcome when a child throws, and fails coded when none is wired", async () => {
    const wired = await engineWithPage(
      loginPage(
        [
          { id: 'x', type: 'test.broken' },
          { id: 'remember', type: 'test.choose' },
        ],
        { stay: 'success', leave: 'success', error: 'failure' },
      ),
    );
    const first = (await wired.start('page-login', { request })) as SuspendedResult;
    const failed = await wired.resume(first.journeyId, { request, callbacks: answer(first.callbacks, { IDToken1: 'a', IDToken2: 0 }) });
    expect(failed).toMatchObject({ status: 'failure', code: 'ERR_JOURNEY_FAILED' });
    expect(failed.trace[1]).toMatchObject({
      node: 'login',
      outcome: 'error',
      reason: 'thrown',
      children: [{ node: 'x', outcome: 'error' }],
    });

    const bare = await engineWithPage(
      loginPage([
        { id: 'x', type: 'test.liar' },
        { id: 'remember', type: 'test.choose' },
      ]),
    );
    const events: JourneyEvent[] = [];
    bare.on((e) => events.push(e));
    const lied = await bare.start('page-login', { request });
    expect(lied).toMatchObject({ status: 'failure', code: 'ERR_NODE_FAILED', node: 'login' });
    expect(lied.trace[0]).toMatchObject({ outcome: 'error', reason: 'ERR_NODE_OUTCOME', children: [{ node: 'x', outcome: 'other' }] });
    expect(events.some((e) => e.type === 'journey.step' && e.step.children?.[0]?.node === 'x')).toBe(true);
  });

  it('gives each child its own journey node id', async () => {
    const seen: string[] = [];
    const probe = defineNode({
      type: 'test.probe',
      version: 1,
      description: 'Records its node id.',
      outcomes: ['done'],
      run(ctx) {
        seen.push(ctx.journey.nodeId);
        return 'done';
      },
    });
    const engine = await createEngine({ nodes: [...nodes, probe], secretKeys: [key] });
    engine.load(loginPage([{ id: 'p', type: 'test.probe' }], { done: 'success' }));
    await engine.start('page-login', { request });
    expect(seen).toEqual(['login/p']);
  });

  it("keeps the page's progress in the journey record: another engine on the same stores resumes it", async () => {
    const stores = createMemoryStores();
    const a = await createEngine({ nodes, stores, secretKeys: [key] });
    const b = await createEngine({ nodes, stores, secretKeys: [key] });
    a.load(
      loginPage([
        { id: 'user', type: 'creds.username' },
        { id: 'seen', type: 'test.note' },
        { id: 'pass', type: 'creds.password' },
        { id: 'remember', type: 'test.choose' },
      ]),
    );
    b.load(
      loginPage([
        { id: 'user', type: 'creds.username' },
        { id: 'seen', type: 'test.note' },
        { id: 'pass', type: 'creds.password' },
        { id: 'remember', type: 'test.choose' },
      ]),
    );
    const first = (await a.start('page-login', { request })) as SuspendedResult;
    const refused = (await b.resume(first.journeyId, {
      request,
      callbacks: answer(first.callbacks, { IDToken1: 'ada', IDToken2: 'no', IDToken3: 0 }),
    })) as SuspendedResult;
    expect(refused.callbacks.map((c) => c.type)).toEqual(['NameCallback', 'TextOutputCallback', 'PasswordCallback', 'ChoiceCallback']);
    const done = await a.resume(refused.journeyId, { request, callbacks: answer(refused.callbacks, { IDToken3: 'hunter2' }) });
    expect(done.status).toBe('success');
    expect(done.status === 'success' && done.state.noted).toBe(1); // the child that passed is not run again
  });
});
