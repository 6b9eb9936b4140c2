import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServer, resolveServerConfig, type RunningServer } from '@waymark/cli';
import { createMemoryStores } from '@waymark/core';
import type { Logger } from '@waymark/sdk';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { startMcpServer, type TestMcpServer } from './support/mcp-server.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { SHIPPED_VARIABLES } from '../../../test/support/shipped-variables.js';

/*
 * Per-tool step-up approved out of band through CIBA (`stepUpCiba`), end to end with Waymark's
 * real OpenID Provider (`waymark serve` with oidc.grants.ciba): the call above the amount makes
 * the gateway ask the provider to reach the person (CIBA poll mode, login_hint = the caller's
 * subject); the approval link the provider sends (logged by serve's development notifier) runs
 * the person's sign-in journey; the agent's retry with the transaction id passes exactly once.
 */

const root = new URL('../../../', import.meta.url).pathname;
const ISSUER = 'http://localhost:3000';
const GATEWAY_CLIENT = { id: 'bank-gateway', secret: 'bank-gateway-ciba-secret-0123456789abcdef' };
const PASSWORD = 'correct horse battery staple';
const logged: { message: string; fields: Record<string, unknown> | undefined }[] = [];
const logger = {
  debug: () => undefined,
  info: (message: string, fields?: Record<string, unknown>) => void logged.push({ message, fields }),
  warn: () => undefined,
  error: () => undefined,
} as Logger;

let waymark: RunningServer;
let as: TestAuthServer;
let upstream: TestMcpServer;
let gw: RunningGateway;
let token: string;

beforeAll(async () => {
  waymark = await startServer(
    resolveServerConfig(
      {
        issuer: ISSUER,
        port: 0,
        flows: [join(root, 'flows')],
        variables: { ...SHIPPED_VARIABLES },
        clients: [
          {
            client_id: GATEWAY_CLIENT.id,
            type: 'ai-agent',
            token_endpoint_auth_method: 'client_secret_basic',
            client_secret: GATEWAY_CLIENT.secret,
            grant_types: ['urn:openid:params:grant-type:ciba'],
            response_types: [],
            allowed_flows: ['login'],
            allowed_scopes: ['openid'],
          },
        ],
        services: { usersFile: join(root, 'flows/fixtures/users.json') },
        oidc: { grants: { ciba: true } },
      },
      root,
      {},
    ),
    { logger, env: {}, print: () => undefined },
  );
  as = await startAuthServer({});
  upstream = await startMcpServer();
  gw = await startGateway(
    (publicUrl) => ({
      publicUrl,
      policies: {
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
                condition: { type: 'Transaction', flow: 'login' },
              },
            ],
          },
        ],
      },
      stepUpCiba: {
        issuer: `${ISSUER}/oidc`,
        backchannelEndpoint: `${waymark.url}/oidc/backchannel`,
        tokenEndpoint: `${waymark.url}/oidc/token`,
        clientId: GATEWAY_CLIENT.id,
        clientSecretEnv: 'BANK_GATEWAY_CIBA_SECRET',
      },
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
    }),
    { stores: createMemoryStores(), env: { BANK_GATEWAY_CIBA_SECRET: GATEWAY_CLIENT.secret } },
  );
  // The agent acts for alice (the users file's subject user-alice).
  token = await as.sign({ sub: 'user-alice', client_id: 'agent', aud: `${gw.url}/mcp/bank` });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await as?.close();
  await waymark?.close();
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

/** The person opens the approval link on their own device and signs in (the CIBA client's login journey). */
async function approveAsAlice(url: string): Promise<void> {
  const local = url.replace(ISSUER, waymark.url);
  const step = (await (await fetch(local, { headers: { accept: 'application/json' } })).json()) as {
    journeyId: string;
    callbacks: { type: string; input: { value: unknown }[] }[];
  };
  for (const cb of step.callbacks) cb.input[0]!.value = cb.type === 'PasswordCallback' ? PASSWORD : 'alice';
  const answer = await fetch(local, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(step) });
  expect(await answer.json()).toEqual({ status: 'success' });
}

describe('per-tool step-up approved through CIBA (Waymark provider, poll mode)', () => {
  it('asks the person on their device, waits while pending, then allows the approved retry exactly once under 10 concurrent retries', async () => {
    const before = transfers();
    const first = await transfer(5000);
    const { error } = JSON.parse(first.body) as { error: { code: number; data: { transactionId: string; approval: { mode: string } } } };
    expect(error.code).toBe(-32043);
    expect(error.data.approval).toEqual({ mode: 'ciba' });
    const txId = error.data.transactionId;
    // The provider was asked to reach alice: serve's development notifier logs the approval link.
    const line = logged.find((l) => l.message === 'ciba approval requested');
    expect(line?.fields).toMatchObject({ clientId: GATEWAY_CLIENT.id, sub: 'user-alice' });
    expect(transfers()).toBe(before);

    // Not approved yet: the retry says pending, nothing forwarded.
    expect(JSON.parse((await transfer(5000, txId)).body).error.code).toBe(-32043);
    expect(transfers()).toBe(before);

    await approveAsAlice(String(line!.fields!.url));
    const retries = await Promise.all(Array.from({ length: 10 }, (_, i) => transfer(5000, txId, 100 + i)));
    expect(retries.filter((r) => r.body.includes('sent 5000 to bob'))).toHaveLength(1);
    // The others are asked again (a new approval), never an error.
    expect(retries.filter((r) => r.status === 200 && r.body.includes('-32043'))).toHaveLength(9);
    expect(transfers()).toBe(before + 1);
    // Spent: the next retry with the same id is asked for a new approval.
    expect(JSON.parse((await transfer(5000, txId)).body).error.code).toBe(-32043);
  });
});
