import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import { builtinNodes, generateTotp, type UserRecord, type UserStore } from '@waymark/nodes';
import { runFlow, testClock } from '@waymark/testing';

const flow = JSON.parse(readFileSync(new URL('./transactional-stepup.json', import.meta.url), 'utf8')) as unknown;
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const alice: UserRecord = { sub: 'user-alice', username: 'alice', passwordHash: 'unused', attributes: { totpSecret: SECRET } };
const users: UserStore = {
  findByUsername: async (u) => (u === 'alice' ? alice : undefined),
  findBySub: async (s) => (s === 'user-alice' ? alice : undefined),
};

describe('flows/transactional-stepup.json', () => {
  it('succeeds for the transaction subject who types the current TOTP code', async () => {
    const clock = testClock();
    const code = await generateTotp({ secret: SECRET, epoch: Math.floor(clock.now() / 1000) });
    const run = await runFlow(flow, [{ expect: ['TextInputCallback'], answer: [code] }], { nodes: builtinNodes, services: { users }, state: { sub: 'user-alice' }, clock });
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['confirmWithTotp']);
    expect(run.result.status === 'success' && run.result.sub).toBe('user-alice');
  });

  it('locks after three wrong codes and ends in failure', async () => {
    const run = await runFlow(
      flow,
      [
        { expect: ['TextInputCallback'], answer: ['000000'] },
        { expect: ['TextOutputCallback', 'TextInputCallback'], answer: ['000000'] },
        { expect: ['TextOutputCallback', 'TextInputCallback'], answer: ['000000'] },
      ],
      { nodes: builtinNodes, services: { users }, state: { sub: 'user-alice' } },
    );
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['locked']);
  });

  it('fails without asking when the journey has no subject (nobody to step up)', async () => {
    const run = await runFlow(flow, [], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['failure']);
  });

  it('fails for a subject with no enrolled authenticator', async () => {
    const run = await runFlow(flow, [], { nodes: builtinNodes, services: { users }, state: { sub: 'user-nobody' } });
    expect(run.status).toBe('failure');
    expect(run.trace[0]?.reason).toBe('not_enrolled');
  });
});
