import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: plain ESM without types, like the payments example's pieces.
import { runDemo } from '../src/demo.mjs';

/* The example end to end: Waymark (provider + gateway), the SDK bank server, the SDK agent. */
describe('examples/mcp-gateway', () => {
  it('discovers, signs in, lists the filtered tools, calls one, steps up scopes, and has a large transfer approved once', async () => {
    const lines: string[] = [];
    const outcome = await runDemo({ print: (line: string) => lines.push(line) });
    expect(outcome.challenge).toMatch(/^Bearer scope="openid bank:read", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp\/bank"$/);
    expect(outcome.metadata.authorization_servers[0]).toMatch(/\/oidc$/);
    expect(outcome.tools).toEqual(['get_balance']);
    expect(outcome.balance).toBe('acct-alice: 12000 EUR');
    expect(outcome.steppedUpScope).toBe('bank:read bank:write');
    expect(outcome.small).toBe('transferred 250 EUR from acct-alice to acct-bob');
    expect(outcome.large).toBe('transferred 5000 EUR from acct-alice to acct-bob');
    expect(outcome.replay).toBe(-32042);
    expect(outcome.signIns).toBe(2);
    // The bank never saw the agent's token (it refuses any Authorization header and requires the gateway's key).
    expect(outcome.violations).toBe(0);
    expect(lines.at(-1)).toBe("The bank saw 0 request(s) with the agent's token or without the gateway's key.");
  });
});
