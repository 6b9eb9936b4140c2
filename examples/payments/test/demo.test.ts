import { describe, it, expect } from '@jest/globals';
// @ts-expect-error -- plain .mjs demo pieces, no declarations (the demo runs without a TypeScript step)
import { runDemo } from '../src/demo.mjs';
// @ts-expect-error -- plain .mjs demo pieces, no declarations
import { startPayments } from '../src/payments.mjs';

describe('examples/payments demo', () => {
  it("prints the article's REST sequence: sign in, advice, step-up with TOTP, allow once, replay refused", async () => {
    const now = Date.UTC(2030, 0, 1);
    const clock = { now: () => now };
    const server = await startPayments({ clock });
    const lines: string[] = [];
    try {
      const { txId } = await runDemo({ ...server, clock, print: (line: string) => lines.push(line) });
      const out = lines.join('\n');
      const order = [
        'Creating end-user SSO token for user: policy_user (POST /journeys/password-login)',
        'End-user SSO token is: ',
        'HTTP 401',
        `WWW-Authenticate: Bearer realm="waymark", error="insufficient_user_authentication", error_description="A step-up authentication is required to approve this transaction", txid="${txId}"`,
        `Transaction Condition Advice Id is: ${txId}`,
        `Calling the step-up endpoint with Transaction Condition Advice Id: ${txId} to get callbacks`,
        '["TextInputCallback"]',
        'Completed callback payload:',
        `"status": "success"`,
        `Finally, calling the payment API after the transactional step-up with Transaction Condition Advice Id of: ${txId}`,
        'HTTP 200',
        '"resource": "https://api.bankingexample.com:443/makepayment"',
        '"POST": true',
        '"ttl": 0',
        'HTTP 401: insufficient_user_authentication (new Transaction Condition Advice Id: ',
      ];
      let at = 0;
      for (const piece of order) {
        const found = out.indexOf(piece, at);
        expect({ piece, found: found >= 0 }).toEqual({ piece, found: true });
        at = found + piece.length;
      }
      expect(out).not.toContain(`new Transaction Condition Advice Id: ${txId})`);
    } finally {
      await server.close();
    }
  });
});
