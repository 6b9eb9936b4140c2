import { describe, it, expect } from '@jest/globals';
import { idpSelect } from '@waymark/nodes';
import { outputValue, type Callback } from '@waymark/sdk';
import { runNode } from '@waymark/testing';

const config = { providers: [{ provider: 'google', label: 'Google' }, { provider: 'local' }] };
const choose = (asked: Callback[], value: unknown): Callback[] => asked.map((c) => ({ ...c, input: [{ name: 'IDToken1', value }] }));

describe('idp.select', () => {
  it('declares one outcome per provider', () => {
    expect((idpSelect.outcomes as (c: unknown) => readonly string[])(config)).toEqual(['google', 'local']);
  });

  it('asks with a SelectIdPCallback listing the providers and their labels', async () => {
    const r = await runNode(idpSelect, { config });
    expect(r.callbacks?.map((c) => c.type)).toEqual(['SelectIdPCallback']);
    expect(outputValue(r.callbacks![0], 'providers')).toEqual([
      { provider: 'google', uiConfig: { buttonDisplayName: 'Google' } },
      { provider: 'local', uiConfig: {} },
    ]);
  });

  it.each(['google', 'local'])('ends in `%s` when that provider is chosen, and notes it in state', async (provider) => {
    const first = await runNode(idpSelect, { config });
    const r = await runNode(idpSelect, { config, submit: choose(first.callbacks!, provider) });
    expect(r.outcome).toBe(provider);
    expect(r.state.selectedIdp).toBe(provider);
  });

  it('asks again when the answer names no offered provider', async () => {
    const first = await runNode(idpSelect, { config });
    for (const value of ['apple', '', 0, null]) {
      const r = await runNode(idpSelect, { config, submit: choose(first.callbacks!, value) });
      expect(r.outcome).toBeUndefined();
      expect(r.callbacks?.[0]?.type).toBe('SelectIdPCallback');
    }
  });

  it('refuses a config without providers or with a provider name that is no outcome name', async () => {
    await expect(runNode(idpSelect, { config: {} })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
    await expect(runNode(idpSelect, { config: { providers: [] } })).rejects.toMatchObject({ code: 'ERR_FLOW_CONFIG' });
    await expect(runNode(idpSelect, { config: { providers: [{ provider: 'no spaces' }] } })).rejects.toMatchObject({
      code: 'ERR_FLOW_CONFIG',
    });
  });
});
