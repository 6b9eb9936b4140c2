import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { createPolicyDecisionPoint } from '@waymark/policy';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startMcpServer, type TestMcpServer } from './support/mcp-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

/*
 * Transactional authorization per tool: transfer_funds above 1000 needs the person's approval
 * out of band (URL elicitation, -32042, naming the Waymark step-up page), and the retried call
 * carrying the transaction id passes exactly once, also when 20 retries race.
 */
describe('per-tool step-up', () => {
  let as: TestAuthServer;
  let upstream: TestMcpServer;
  let gw: RunningGateway;
  const stores = createMemoryStores();
  let policies: object;
  let token: string;

  beforeAll(async () => {
    as = await startAuthServer({});
    upstream = await startMcpServer();
    gw = await startGateway(
      (publicUrl) => {
        policies = {
          transactionRateLimit: { max: 100, windowSeconds: 300 },
          policySets: [
            {
              name: 'bank',
              policies: [
                {
                  name: 'large-transfers',
                  resources: [`${publicUrl}/mcp/bank/tools/transfer_funds/*`],
                  actions: ['POST'],
                  subject: { type: 'AuthenticatedUsers' },
                  condition: { type: 'Transaction', flow: 'approve-transfer' },
                },
              ],
            },
          ],
        };
        return {
          publicUrl,
          policies,
          stepUpUrl: 'https://login.example/policies/transactions/{txId}/stepup',
          routes: [
            {
              kind: 'mcp',
              name: 'bank',
              path: '/mcp/bank',
              upstream: upstream.url,
              token: { issuer: as.issuer, jwksUri: as.jwksUri },
              stepUp: [{ tool: 'transfer_funds', argument: '/amount', above: 1000 }],
            },
          ],
        };
      },
      { stores },
    );
    token = await as.sign({ sub: 'alice', client_id: 'agent', aud: `${gw.url}/mcp/bank` });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
    await as.close();
  });

  const transfer = (amount: number, txId?: string, id = 1) =>
    fetch(`${gw.url}/mcp/bank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: {
          name: 'transfer_funds',
          arguments: { to: 'bob', amount },
          ...(txId ? { _meta: { 'io.waymark/transactionId': txId } } : {}),
        },
      }),
    }).then(async (res) => ({ status: res.status, body: await res.text() }));
  const transfers = () => upstream.calls.filter((c) => c.name === 'transfer_funds').length;

  it('lets a small transfer through without a decision', async () => {
    const { body } = await transfer(50);
    expect(body).toContain('sent 50 to bob');
  });

  it('asks for approval above the amount, then allows the approved retry exactly once under 20 concurrent retries', async () => {
    const before = transfers();
    const first = await transfer(5000);
    const { error } = JSON.parse(first.body) as {
      error: { code: number; data: { transactionId: string; elicitations: { mode: string; url: string }[] } };
    };
    expect(error.code).toBe(-32042);
    const txId = error.data.transactionId;
    expect(error.data.elicitations[0]).toMatchObject({
      mode: 'url',
      url: `https://login.example/policies/transactions/${encodeURIComponent(txId)}/stepup`,
    });
    expect(transfers()).toBe(before);

    // Not approved yet: the retry is asked again.
    expect(JSON.parse((await transfer(5000, txId)).body).error.code).toBe(-32042);

    // The person approves out of band: the step-up journey authenticates the transaction (what the Waymark step-up page does on success).
    const pdp = createPolicyDecisionPoint(policies, { stores, clock: { now: () => Date.now() } });
    expect(await pdp.authenticateTransaction(txId, 'alice')).toBe(true);

    // An approval covers these very arguments: another amount with the same id is not allowed.
    expect(JSON.parse((await transfer(50_000, txId)).body).error.code).toBe(-32042);
    expect(transfers()).toBe(before);

    const retries = await Promise.all(Array.from({ length: 20 }, (_, i) => transfer(5000, txId, 100 + i)));
    const passed = retries.filter((r) => r.body.includes('sent 5000 to bob'));
    expect(passed).toHaveLength(1);
    expect(retries.filter((r) => r.body.includes('-32042'))).toHaveLength(19);
    expect(transfers()).toBe(before + 1);
  });
});
