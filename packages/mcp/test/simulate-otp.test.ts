import { describe, expect, it } from '@jest/globals';
import { generateTotp } from '@waymark/nodes';
import { OTP_ANSWER, Simulator } from '../src/simulate.js';
import { PASSWORD } from './support.js';

/*
 * simulate_flow with otp.challenge steps: a code sent through the stand-in notifier (mode
 * "code") and the stand-in authenticator (mode "totp"); the answer "$otp" types the code the
 * person would have, any other answer is typed as given. No code appears in the report.
 */

/** Password, then a one-time code (mode "code" or "totp"). */
function otpFlow(mode: 'code' | 'totp'): Record<string, unknown> {
  return {
    id: `otp-${mode}`,
    version: 1,
    description: `Password, then a one-time code (${mode}).`,
    start: 'collect',
    nodes: {
      collect: { type: 'credentials.collect', outcomes: { collected: 'verify' } },
      verify: { type: 'credentials.verify', outcomes: { valid: 'otp', invalid: 'failure', locked: 'failure' } },
      otp: {
        type: 'otp.challenge',
        config: { mode, prompt: 'One-time code', maxAttempts: 2 },
        outcomes: { success: 'success', failure: 'failure', expired: 'failure', locked: 'failure' },
      },
    },
  };
}

const login = { NameCallback: 'alice', PasswordCallback: PASSWORD };
const path = (v: { trace: { node: string; outcome: string }[] }) => v.trace.map((s) => `${s.node}:${s.outcome}`);

describe('simulate_flow: otp.challenge', () => {
  it('mode "code": the stand-in notifier delivers the code to the user\'s email; "$otp" types it, a wrong code is refused, then locked', async () => {
    const report = await new Simulator().run({
      flow: otpFlow('code'),
      users: [{ username: 'alice', password: PASSWORD, email: 'alice@example.test' }],
      visits: [
        { answers: [login, { 'One-time code': OTP_ANSWER }] },
        { newBrowser: true, answers: [login, { TextInputCallback: '000000' }, { TextInputCallback: OTP_ANSWER }] },
        { newBrowser: true, answers: [login, { TextInputCallback: '000000' }, { TextInputCallback: '000001' }] },
      ],
    });
    const [right, retried, locked] = report.visits;
    expect(right).toMatchObject({ status: 'success', sub: 'user-alice', codesSent: [{ to: 'alice@example.test', purpose: 'login' }] });
    expect(path(right!)).toEqual(['collect:suspended', 'collect:collected', 'verify:valid', 'otp:suspended', 'otp:success']);
    expect(right!.messages).toContain('A one-time code has been sent to you.');
    expect(retried).toMatchObject({ status: 'success' });
    expect(retried!.messages.some((m) => /not correct/.test(m))).toBe(true);
    expect(locked).toMatchObject({ status: 'failure', node: 'otp' });
    expect(path(locked!)).toContain('otp:locked');
    // The report names whom the code reached, never the code.
    expect(JSON.stringify(report)).not.toMatch(/"code":"\d{6}"|\b\d{6}\b(?!")/);
  });

  it('mode "totp": the stand-in authenticator of the enrolled user answers "$otp" (a given secret, or a random enrolment); not enrolled fails', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const given = await new Simulator().run({
      flow: otpFlow('totp'),
      users: [{ username: 'alice', password: PASSWORD, totpSecret: secret }],
      visits: [{ answers: [login, { TextInputCallback: OTP_ANSWER }] }],
    });
    expect(given.visits[0]).toMatchObject({ status: 'success', codesSent: [] });
    expect(path(given.visits[0]!)).toEqual(['collect:suspended', 'collect:collected', 'verify:valid', 'otp:suspended', 'otp:success']);
    // A code of another secret is wrong.
    const other = await generateTotp({ secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', epoch: Math.floor(Date.now() / 1000) });
    const wrong = await new Simulator().run({
      flow: otpFlow('totp'),
      users: [{ username: 'alice', password: PASSWORD, totpSecret: secret }],
      visits: [{ answers: [login, { TextInputCallback: other }, { TextInputCallback: other }] }],
    });
    expect(wrong.visits[0]).toMatchObject({ status: 'failure', node: 'otp' });
    const random = await new Simulator().run({
      flow: otpFlow('totp'),
      users: [{ username: 'alice', password: PASSWORD }],
      visits: [{ answers: [login, { TextInputCallback: OTP_ANSWER }] }],
    });
    expect(random.visits[0]).toMatchObject({ status: 'success' });
    const unenrolled = await new Simulator().run({
      flow: otpFlow('totp'),
      users: [{ username: 'alice', password: PASSWORD, totpSecret: null }],
      visits: [{ answers: [login, { TextInputCallback: OTP_ANSWER }] }],
    });
    // Not enrolled: the node fails at once, without asking for a code.
    expect(unenrolled.visits[0]).toMatchObject({ status: 'failure', node: 'otp' });
    expect(path(unenrolled.visits[0]!)).toEqual(['collect:suspended', 'collect:collected', 'verify:valid', 'otp:failure']);
  });
});
