import { describe, expect, it } from '@jest/globals';
import { formToCallbacks } from '@waymark/http';
import type { Callback } from '@waymark/sdk';

const pending: Callback[] = [
  { type: 'NameCallback', output: [{ name: 'prompt', value: 'User name' }], input: [{ name: 'IDToken1', value: '' }] },
  { type: 'ChoiceCallback', output: [{ name: 'choices', value: ['a', 'b'] }], input: [{ name: 'IDToken2', value: 0 }] },
  { type: 'HiddenValueCallback', output: [], input: [{ name: 'IDToken3', value: 'kept' }] },
];

describe('formToCallbacks', () => {
  it('fills each input from the field of its name, numbers staying numbers, keeping what was not posted', () => {
    const filled = formToCallbacks(pending, { IDToken1: 'alice', IDToken2: '1', extra: 'ignored' });
    expect(filled.map((cb) => cb.input[0]?.value)).toEqual(['alice', 1, 'kept']);
    expect(filled[0]?.output).toBe(pending[0]?.output);
    expect(JSON.stringify(filled)).not.toContain('ignored');
  });

  it('keeps a non-numeric answer to a numeric field as text (the engine then refuses it)', () => {
    expect(formToCallbacks(pending, { IDToken2: 'one' })[1]?.input[0]?.value).toBe('one');
  });
});
