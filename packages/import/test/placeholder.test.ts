import { describe, expect, it } from '@jest/globals';
import { runNode, testNodeConfigs } from '@waymark/testing';
import { importPlaceholder, IMPORT_ERRORS, nodes } from '../src/index.js';

const config = {
  source: { format: 'aic', type: 'EmailSuspendNode', id: 'n1' },
  outcomes: ['outcome', 'other'],
  reason: 'no e-mail suspension',
  suggestion: 'a custom node',
};

describe('import.placeholder', () => {
  it('is the plugin contract of @waymark/import', () => {
    expect(nodes).toEqual([importPlaceholder]);
  });

  it('declares the outcomes its config keeps', () => {
    expect(typeof importPlaceholder.outcomes === 'function' ? importPlaceholder.outcomes(config as never) : []).toEqual([
      'outcome',
      'other',
    ]);
  });

  it('running it fails with ERR_IMPORT_PLACEHOLDER naming the source node', async () => {
    const r = await runNode(importPlaceholder, { config });
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({
      code: IMPORT_ERRORS.ERR_IMPORT_PLACEHOLDER,
      message: expect.stringContaining('EmailSuspendNode (n1)'),
    });
  });
});

testNodeConfigs(
  importPlaceholder,
  {
    valid: [config, { ...config, suggestion: undefined }],
    invalid: [
      { config: { ...config, outcomes: [] }, pointer: '/outcomes' },
      { config: { ...config, outcomes: ['error'] }, pointer: '/outcomes/0' },
      { config: { ...config, source: { format: 'other', type: 'x', id: 'y' } }, pointer: '/source/format' },
      { config: { ...config, colour: 'red' }, message: 'unknown key "colour"' },
    ],
  },
  { describe, it },
);
