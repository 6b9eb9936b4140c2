import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from '@jest/globals';
import { createEngine, type JourneyResult } from '@waymark/core';
import { builtinNodes, FileUserStore } from '@waymark/nodes';
import { answerCallbacks, runFlow, testClock } from '@waymark/testing';

const flow = JSON.parse(readFileSync(new URL('./password-login.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const users = new FileUserStore(fileURLToPath(new URL('./fixtures/users.json', import.meta.url)));
const PASSWORD = 'correct horse battery staple';
const CREDENTIALS = ['NameCallback', 'PasswordCallback'];

/** The first ```json block of the repository README: the tour's flow. */
function readmeTourFlow(): unknown {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(readme);
  if (!block?.[1]) throw new Error('README.md has no json block');
  return JSON.parse(block[1]);
}

describe('flows/password-login.json', () => {
  it('loads into the engine with the built-in nodes and names the published schema', async () => {
    const engine = await createEngine({ nodes: builtinNodes });
    const compiled = engine.load(flow);
    expect(compiled.id).toBe('password-login');
    expect(flow.$schema).toBe('../packages/core/schema/flow.schema.json');
  });

  it('is exactly the flow the README tour shows, so the tour cannot drift from the shipped file', () => {
    expect(flow).toEqual(readmeTourFlow());
  });

  it('signs alice in with the right password: collect, then verify, subject user-alice', async () => {
    const run = await runFlow(flow, [{ expect: CREDENTIALS, answer: ['alice', PASSWORD] }], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('success');
    expect(run.path).toEqual(['collect', 'verify']);
    expect(run.outcomes).toEqual(['collected', 'valid']);
    expect(run.result.status === 'success' && run.result.sub).toBe('user-alice');
  });

  it('fails on a wrong password, with no cookie and no password in state', async () => {
    const run = await runFlow(flow, [{ expect: CREDENTIALS, answer: ['alice', 'Tr0ub4dor&3'] }], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['collected', 'invalid']);
    expect(run.trace[run.trace.length - 1]?.reason).toBe('bad_credentials');
    expect(run.result.cookies).toEqual([]);
    expect(JSON.stringify(run.result)).not.toContain('Tr0ub4dor&3');
  });

  it('fails an unknown username with the same outcome and reason as a wrong password (no user enumeration)', async () => {
    const run = await runFlow(flow, [{ expect: CREDENTIALS, answer: ['mallory', PASSWORD] }], { nodes: builtinNodes, services: { users } });
    expect(run.status).toBe('failure');
    expect(run.outcomes).toEqual(['collected', 'invalid']);
    expect(run.trace[run.trace.length - 1]?.reason).toBe('bad_credentials');
  });

  it('locks alice after five failed journeys, refuses even the right password, and lets her in once the lockout window has passed', async () => {
    const clock = testClock();
    const engine = await createEngine({ nodes: builtinNodes, services: { users }, clock });
    engine.load(flow);
    const request = { ip: '198.51.100.20', headers: {}, cookies: {}, userAgent: 'jest' };
    const attempt = async (password: string): Promise<JourneyResult> => {
      const asked = await engine.start('password-login', { request });
      if (asked.status !== 'suspended') throw new Error(`expected credentials, got ${asked.status}`);
      return engine.resume(asked.journeyId, { request, callbacks: answerCallbacks(asked.callbacks, ['alice', password]) });
    };
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push((await attempt('wrong')).trace.at(-1)?.outcome ?? '?');
    expect(outcomes).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked']);
    const whileLocked = await attempt(PASSWORD);
    expect(whileLocked.status).toBe('failure');
    expect(whileLocked.trace.at(-1)?.outcome).toBe('locked');
    clock.advance(900_000 + 1000);
    const after = await attempt(PASSWORD);
    expect(after.status).toBe('success');
  });
});
