import { describe, it, expect } from '@jest/globals';
import { NodeRegistry, validateFlow } from '@waymark/core';
import { stateSet } from '@waymark/nodes';
import { runNode, testNodeConfigs } from '@waymark/testing';

const apply = (operations: unknown[], options: Parameters<typeof runNode>[1] = {}) =>
  runNode(stateSet, { config: { operations }, ...options });

describe('state.set', () => {
  it('declares the one outcome done', () => {
    expect(stateSet.outcomes).toEqual(['done']);
  });

  it('set writes a JSON value at a dotted path, creating the objects on the way', async () => {
    const r = await apply(
      [
        { set: 'user.profile.tier', value: 'gold' },
        { set: 'flags', value: { a: [1, null] } },
        { set: 'none', value: null },
      ],
      {
        state: { user: { mail: 'a@example.com' } },
      },
    );
    expect(r.outcome).toBe('done');
    expect(r.state).toEqual({ user: { mail: 'a@example.com', profile: { tier: 'gold' } }, flags: { a: [1, null] }, none: null });
  });

  it('set overwrites, and a later operation sees what an earlier one wrote (order matters)', async () => {
    const r = await apply([
      { set: 'a', value: 1 },
      { copy: 'state.a', to: 'b' },
      { set: 'a', value: 2 },
    ]);
    expect(r.state).toEqual({ a: 2, b: 1 });
  });

  it('set copies its value: two journeys never share (or mutate) the config object', async () => {
    const config = { operations: [{ set: 'list', value: [1] }] };
    const first = await runNode(stateSet, { config });
    (first.state['list'] as number[]).push(2);
    const second = await runNode(stateSet, { config });
    expect(second.state['list']).toEqual([1]);
  });

  it('copy reads refs like decision: state, params, par, client, journey and request', async () => {
    const r = await apply(
      [
        { copy: 'params.login_hint', to: 'username' },
        { copy: 'state.profile', to: 'saved.profile' },
        { copy: 'request.ip', to: 'seen.ip' },
        { copy: 'request.headers.x-tenant', to: 'tenant' },
        { copy: 'par.params.target', to: 'target' },
        { copy: 'client.clientId', to: 'client' },
        { copy: 'journey.flowId', to: 'flow' },
      ],
      {
        state: { profile: { mail: 'a@example.com' } },
        params: { login_hint: 'alice' },
        request: { ip: '10.0.0.7', headers: { 'X-Tenant': 'acme' } },
        par: { clientId: 'app', ip: '10.0.0.7', params: { target: 'https://app.example/' } },
        client: { clientId: 'app', redirectTargets: [], redirectUris: [] },
      },
    );
    expect(r.state).toMatchObject({
      username: 'alice',
      saved: { profile: { mail: 'a@example.com' } },
      seen: { ip: '10.0.0.7' },
      tenant: 'acme',
      target: 'https://app.example/',
      client: 'app',
    });
    expect(typeof r.state['flow']).toBe('string');
  });

  it('copy writes a copy, not the same object', async () => {
    const r = await apply(
      [
        { copy: 'state.a', to: 'b' },
        { set: 'a.x', value: 2 },
      ],
      { state: { a: { x: 1 } } },
    );
    expect(r.state).toEqual({ a: { x: 2 }, b: { x: 1 } });
  });

  it('copy of a missing value removes the target (the target then equals the source: absent)', async () => {
    const r = await apply([{ copy: 'params.nothing', to: 'hint' }], { state: { hint: 'old' } });
    expect(r.state).toEqual({});
  });

  it('copy cannot reach secrets: secrets is no ref root', () => {
    const flow = {
      id: 'f',
      version: 1,
      description: 'A test flow.',
      start: 's',
      nodes: {
        s: { type: 'state.set', config: { operations: [{ copy: 'secrets.password', to: 'leak' }] }, outcomes: { done: 'success' } },
      },
    };
    const result = validateFlow(flow, registry());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.pointer)).toEqual(['/nodes/s/config/operations/0/copy']);
  });

  it('delete removes a value; a missing path is no error', async () => {
    const r = await apply([{ delete: 'user.password' }, { delete: 'no.such.thing' }, { delete: 'gone' }], {
      state: { user: { name: 'a', password: 'x' }, gone: 1 },
    });
    expect(r.outcome).toBe('done');
    expect(r.state).toEqual({ user: { name: 'a' } });
  });

  it('refuses to set inside a value that is not an object (ERR_STATE_SET, the error outcome in a flow)', async () => {
    const r = await apply(
      [
        { set: 'before', value: 1 },
        { set: 'mail.domain', value: 'x' },
      ],
      { state: { mail: 'a@example.com' } },
    );
    // All or nothing: the operation before the failing one is not applied either.
    expect(r).toMatchObject({ outcome: 'error', state: { mail: 'a@example.com' } });
    expect(r.state['before']).toBeUndefined();
    expect(r.error).toMatchObject({ code: 'ERR_STATE_SET', message: expect.stringContaining('state.mail is not an object') });
  });

  it('refuses to copy a value larger than the limit', async () => {
    const r = await apply([{ copy: 'state.big', to: 'copy' }], { state: { big: 'x'.repeat(20_000) } });
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({ code: 'ERR_STATE_SET', message: expect.stringContaining('larger than') });
    expect(r.state['copy']).toBeUndefined();
  });

  it('keeps an own "__proto__" key of a state parsed from JSON as data, never as the state object\'s prototype', async () => {
    const state = JSON.parse('{"__proto__": {"admin": true}, "a": 1}') as Record<string, unknown>;
    const r = await apply([{ set: 'b', value: 2 }], { state: state as never });
    expect(Object.getPrototypeOf(r.state)).not.toHaveProperty('admin');
    expect((r.state as Record<string, unknown>)['admin']).toBeUndefined();
    expect(Object.keys(r.state).sort()).toEqual(['__proto__', 'a', 'b']);
  });

  it('never pollutes Object.prototype, whatever the state holds', async () => {
    await apply(
      [
        { set: 'a.b', value: 1 },
        { copy: 'state.x', to: 'y.z' },
      ],
      { state: { x: { polluted: true } } },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['b']).toBeUndefined();
  });
});

function registry(): NodeRegistry {
  const r = new NodeRegistry();
  r.register(stateSet as never);
  return r;
}

describe('state.set at flow load', () => {
  it('refuses a prototype-polluting path with ERR_STATE_SET at the operation pointer', () => {
    const flow = {
      id: 'f',
      version: 1,
      description: 'A test flow.',
      start: 's',
      nodes: {
        s: {
          type: 'state.set',
          config: {
            operations: [{ set: 'a.__proto__.polluted', value: true }, { copy: 'state.constructor', to: 'x' }, { delete: 'prototype' }],
          },
          outcomes: { done: 'success' },
        },
      },
    };
    const result = validateFlow(flow, registry());
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['ERR_STATE_SET', '/nodes/s/config/operations/0/set'],
      ['ERR_STATE_SET', '/nodes/s/config/operations/1/copy'],
      ['ERR_STATE_SET', '/nodes/s/config/operations/2/delete'],
    ]);
    expect(problems[0]?.message).toContain('"__proto__" is refused');
  });

  it('resolves a { "$var": name } value at load', () => {
    const flow = {
      id: 'f',
      version: 1,
      description: 'A test flow.',
      start: 's',
      nodes: {
        s: { type: 'state.set', config: { operations: [{ set: 'realm', value: { $var: 'realm' } }] }, outcomes: { done: 'success' } },
      },
    };
    expect(validateFlow(flow, registry(), { variables: { realm: 'alpha' } }).ok).toBe(true);
    const unset = validateFlow(flow, registry());
    expect(!unset.ok && unset.problems.map((p) => [p.code, p.pointer])).toEqual([
      ['ERR_FLOW_VARIABLE', '/nodes/s/config/operations/0/value'],
    ]);
  });
});

const path = (p: string) => ({ operations: [{ delete: p }] });

testNodeConfigs(stateSet, {
  valid: [
    { operations: [{ set: 'a', value: 1 }] },
    { operations: [{ set: 'a.b', value: null }, { copy: 'params.x', to: 'y' }, { delete: 'z' }] },
    { operations: [{ set: 'given-name', value: { nested: ['ok'] } }] },
  ],
  invalid: [
    { name: 'no operations key', config: {}, pointer: '/operations' },
    { name: 'an empty list', config: { operations: [] }, pointer: '/operations' },
    { name: 'too many operations', config: { operations: Array.from({ length: 51 }, () => ({ delete: 'a' })) }, pointer: '/operations' },
    { name: 'an unknown key', config: { operations: [{ sett: 'a', value: 1 }] }, pointer: '/operations/0/sett' },
    {
      name: 'two kinds at once',
      config: { operations: [{ set: 'a', value: 1, delete: 'b' }] },
      pointer: '/operations/0',
      message: /exactly one of/,
    },
    { name: 'no kind', config: { operations: [{ value: 1 }] }, pointer: '/operations/0', message: /got none/ },
    { name: 'set without value', config: { operations: [{ set: 'a' }] }, pointer: '/operations/0/value', message: /null is a value/ },
    { name: 'copy without to', config: { operations: [{ copy: 'params.a' }] }, pointer: '/operations/0/to' },
    {
      name: 'a key of another kind',
      config: { operations: [{ delete: 'a', to: 'b' }] },
      pointer: '/operations/0/to',
      message: /does not belong/,
    },
    { name: 'copy from secrets', config: { operations: [{ copy: 'secrets.password', to: 'p' }] }, pointer: '/operations/0/copy' },
    { name: 'an empty segment', config: path('a..b'), pointer: '/operations/0/delete' },
    { name: '__proto__', config: path('__proto__'), pointer: '/operations/0/delete', message: /"__proto__" is refused/ },
    {
      name: 'constructor.prototype',
      config: { operations: [{ set: 'x.constructor.prototype', value: 1 }] },
      pointer: '/operations/0/set',
      message: /"constructor" is refused/,
    },
    { name: 'prototype in to', config: { operations: [{ copy: 'params.a', to: 'prototype' }] }, pointer: '/operations/0/to' },
    { name: 'a "state." prefix', config: path('state.user'), pointer: '/operations/0/delete', message: /write "user"/ },
    {
      name: 'too deep',
      config: path(Array.from({ length: 17 }, (_, i) => `k${i}`).join('.')),
      pointer: '/operations/0/delete',
      message: /16 segments/,
    },
    { name: 'too long a path', config: path('a'.repeat(201)), pointer: '/operations/0/delete' },
    {
      name: 'too large a value',
      config: { operations: [{ set: 'a', value: 'x'.repeat(20_000) }] },
      pointer: '/operations/0/value',
      message: /larger than/,
    },
  ],
});
