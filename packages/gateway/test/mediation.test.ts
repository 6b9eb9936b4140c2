import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createMediator } from '@waymark/gateway';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';

/* Token mediation on its own: an RFC 8693 exchange, cached per agent token until 30 s before it expires (clock injected). */
describe('token exchange mediation', () => {
  let as: TestAuthServer;
  beforeAll(async () => {
    as = await startAuthServer({ gateway: { secret: 'gw-secret', sub: 'gateway', scopes: [] } }, { exchangeTtlSeconds: 60 });
  });
  afterAll(() => as.close());

  it('exchanges once per agent token, again 30 s before expiry, and never sends the agent token upstream', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const mediate = createMediator(
      { type: 'token-exchange', tokenEndpoint: as.tokenEndpoint, clientId: 'gateway', clientSecretEnv: 'GW_SECRET', audience: 'bank-api' },
      { clock, env: { GW_SECRET: 'gw-secret' } },
    );
    const agent = await as.sign({ sub: 'alice', client_id: 'agent', aud: 'https://gw.example/mcp' });
    const [first, concurrent] = await Promise.all([mediate(agent), mediate(agent)]);
    expect(as.exchanges()).toBe(1);
    expect(concurrent).toEqual(first);
    expect(first.authorization).not.toContain(agent);
    expect(decodeJwt(first.authorization?.replace('Bearer ', '') ?? '')).toMatchObject({
      sub: 'alice',
      aud: 'bank-api',
      act: { sub: 'gateway' },
    });
    now += 29_000;
    expect(await mediate(agent)).toEqual(first);
    expect(as.exchanges()).toBe(1);
    now += 2_000;
    await mediate(agent);
    expect(as.exchanges()).toBe(2);
    // Another agent token is exchanged on its own.
    await mediate(await as.sign({ sub: 'bob', client_id: 'agent', aud: 'https://gw.example/mcp' }));
    expect(as.exchanges()).toBe(3);
  });

  it('fails with ERR_GATEWAY_MEDIATION when the exchange is refused, and names a missing secret at build time', async () => {
    const mediate = createMediator(
      { type: 'token-exchange', tokenEndpoint: as.tokenEndpoint, clientId: 'gateway', clientSecret: 'wrong', audience: 'bank-api' },
      { clock: { now: () => Date.now() }, env: {} },
    );
    await expect(mediate('not-a-token')).rejects.toMatchObject({ code: 'ERR_GATEWAY_MEDIATION' });
    expect(() => createMediator({ type: 'api-key', valueEnv: 'NOPE' }, { clock: { now: () => 0 }, env: {} })).toThrow(/NOPE is not set/);
  });
});
