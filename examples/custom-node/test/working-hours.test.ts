import { describe, expect, it } from '@jest/globals';
import { runNode, testNodeConfigs } from '@waymark/testing';
import { workingHours } from '../src/index.js';

describe('acme.working-hours', () => {
  it('answers allowed when the state value is one of the allowed values', async () => {
    const r = await runNode(workingHours, { config: { allowed: ['FR'] }, state: { country: 'FR' } });
    expect(r.outcome).toBe('allowed');
  });

  it('answers denied, with a reason, when the state value is not allowed', async () => {
    const r = await runNode(workingHours, { config: { allowed: ['FR'] }, state: { country: 'US' } });
    expect(r).toMatchObject({ outcome: 'denied', reason: 'not_allowed' });
  });

  it('answers missing when no earlier node set the state key', async () => {
    const r = await runNode(workingHours, { config: { key: 'region' }, state: { country: 'FR' } });
    expect(r.outcome).toBe('missing');
  });
});

testNodeConfigs(
  workingHours,
  {
    valid: [{}, { key: 'region', allowed: ['eu-west'] }],
    invalid: [
      { config: { key: '' }, pointer: '/key' },
      { config: { allowed: 'FR' }, pointer: '/allowed', message: 'must be an array' },
      { config: { colour: 'red' }, message: 'unknown key "colour"' },
    ],
  },
  { describe, it },
);
