import { describe, expect, it } from '@jest/globals';
import { defineNode, typeNamespace, WaymarkError, callbacks } from '@waymark/sdk';
import { runNode } from '@waymark/testing';

const valid = {
  type: 'acme.geofence',
  version: 1,
  description: 'Allows logins from configured countries only.',
  config: { type: 'object', properties: { countries: { type: 'array', items: { type: 'string' }, default: ['GB'] } } } as const,
  outcomes: ['inside', 'outside'] as const,
  run: () => 'inside',
};

describe('defineNode', () => {
  it('returns a frozen node type with the declared outcomes and the API version', () => {
    const node = defineNode(valid);
    expect(node.type).toBe('acme.geofence');
    expect(node.outcomes).toEqual(['inside', 'outside']);
    expect(node.apiVersion).toBe(1);
    expect(Object.isFrozen(node)).toBe(true);
  });

  it('runs a node in the browser phase only unless it opts into the push phase', () => {
    expect(defineNode(valid).pushPhase).toBe(false);
    expect(defineNode({ ...valid, pushPhase: true }).pushPhase).toBe(true);
  });

  it.each([
    ['type', { ...valid, type: 'acme..geo' }],
    ['type', { ...valid, type: 'Acme.Geo' }],
    ['version', { ...valid, version: 0 }],
    ['description', { ...valid, description: ' ' }],
    ['outcomes', { ...valid, outcomes: [] }],
    ['outcomes', { ...valid, outcomes: ['a', 'a'] }],
    ['outcomes', { ...valid, outcomes: ['has space'] }],
    ['run', { ...valid, run: undefined }],
    ['config', { ...valid, config: null }],
    ['timeoutMs', { ...valid, timeoutMs: -5 }],
    ['pushPhase', { ...valid, pushPhase: 'yes' }],
    ['secretNamespace', { ...valid, secretNamespace: 'Not A Namespace' }],
    ['check', { ...valid, check: 'rules' }],
  ])('rejects a malformed %s at once with ERR_NODE_DEFINITION naming the field', (field, def) => {
    let error: unknown;
    try {
      defineNode(def as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WaymarkError);
    expect((error as WaymarkError).code).toBe('ERR_NODE_DEFINITION');
    expect((error as WaymarkError).details.field).toBe(field);
  });

  it('keeps a secretNamespace (the one a built-in shares, as user.create shares credentials)', () => {
    expect(defineNode({ ...valid, secretNamespace: 'credentials' }).secretNamespace).toBe('credentials');
    expect('secretNamespace' in defineNode(valid)).toBe(false);
  });

  it('infers the config type from the schema, defaults included, and the default is there when the node runs', async () => {
    const seen: string[][] = [];
    const node = defineNode({
      ...valid,
      // `config.countries` is typed string[] (not optional): the schema gives it a default. The
      // typecheck proves the type; running the node proves the value is really there.
      run: (_ctx, config) => {
        const countries: string[] = config.countries;
        seen.push(countries);
        return countries.includes('GB') ? 'inside' : 'outside';
      },
    });
    // An empty config, as a flow that leaves `countries` out holds it: the default applies.
    const defaulted = await runNode(node, { config: {} });
    expect(defaulted).toMatchObject({ outcome: 'inside', error: undefined });
    expect(seen).toEqual([['GB']]);
    // A given value wins over the default.
    expect((await runNode(node, { config: { countries: ['FR'] } })).outcome).toBe('outside');
    expect(seen[1]).toEqual(['FR']);
  });
});

describe('typeNamespace', () => {
  it('is the text before the last dot, so sibling types share secrets', () => {
    expect(typeNamespace('credentials.collect')).toBe('credentials');
    expect(typeNamespace('cookie.persistent.check')).toBe('cookie.persistent');
    expect(typeNamespace('acme.geofence')).toBe('acme');
  });
});

describe('callbacks', () => {
  it('builds AIC-shaped callbacks', () => {
    expect(callbacks.name('User Name')).toEqual({ type: 'NameCallback', output: [{ name: 'prompt', value: 'User Name' }], input: [{ name: 'IDToken', value: '' }] });
    expect(callbacks.textOutput('Hi', 1).output).toEqual([{ name: 'message', value: 'Hi' }, { name: 'messageType', value: '1' }]);
  });
});
