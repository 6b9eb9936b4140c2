// Waymark: the OpenID Provider (the agent signs in, gets an RFC 9068 token for the gateway's
// resource), the step-up pages (the person approves a transaction), and the gateway in front
// of the bank's MCP server: all one `waymark serve` configuration, in one process.
import { createServer } from 'node:http';
import { startServer } from '@waymark/cli';

const root = new URL('../../../', import.meta.url).pathname;
export const AGENT_CLIENT = { client_id: 'bank-agent', redirect_uri: 'http://127.0.0.1:7777/callback' };
/** The demo's user (flows/fixtures/users.json): password and enrolled TOTP secret. */
export const USER = { username: 'alice', password: 'correct horse battery staple', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startWaymark({ bankUrl, apiKey, clock }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const resource = `${issuer}/mcp/bank`;
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const server = await startServer(
    {
      issuer,
      host: '127.0.0.1',
      port,
      flows: [new URL('../flows/bank-login.json', import.meta.url).pathname, `${root}flows/transactional-stepup.json`],
      // The agent: one client of the one registry (the adapter and the provider), an AI agent by type
      // (PKCE S256 required, short access tokens, refresh rotation with replay protection).
      clients: [
        {
          client_id: AGENT_CLIENT.client_id,
          type: 'ai-agent',
          token_endpoint_auth_method: 'none',
          redirect_uris: [AGENT_CLIENT.redirect_uri],
          allowed_flows: ['bank-login'],
          allowed_scopes: ['openid', 'bank:read', 'bank:write'],
          // No refresh token: when a tool needs a scope the token lacks, the SDK signs the person in again
          // for the union of scopes (a refresh cannot widen a grant, RFC 6749 §6).
          grant_types: ['authorization_code'],
        },
      ],
      services: { usersFile: `${root}flows/fixtures/users.json` },
      oidc: {
        // RFC 8707: tokens for the gateway's MCP route carry it as their audience.
        resourceServers: { [resource]: { scopes: ['bank:read', 'bank:write'] } },
      },
      // The step-up pages (the person's approval) run transactional-stepup.json (a TOTP code).
      policies: {
        config: {
          policySets: [
            {
              name: 'none',
              policies: [
                {
                  name: 'unused',
                  resources: [`${issuer}/unused`],
                  actions: ['POST'],
                  subject: { type: 'AuthenticatedUsers' },
                  condition: { type: 'Transaction', flow: 'transactional-stepup' },
                },
              ],
            },
          ],
        },
      },
      gateway: {
        config: {
          // The policy of the gateway's step-up rule: a transfer above 1000 EUR is a transaction the user approves.
          policies: {
            policySets: [
              {
                name: 'bank',
                policies: [
                  {
                    name: 'large-transfers',
                    resources: [`${resource}/tools/transfer_funds/*`],
                    actions: ['POST'],
                    subject: { type: 'AuthenticatedUsers' },
                    condition: { type: 'Transaction', flow: 'transactional-stepup' },
                  },
                ],
              },
            ],
          },
          routes: [
            {
              kind: 'mcp',
              name: 'bank',
              path: '/mcp/bank',
              upstream: bankUrl,
              resourceName: 'Demo bank',
              // Waymark's provider signs users in with OpenID Connect: openid is part of the basic scopes a client asks for.
              scopesSupported: ['openid', 'bank:read'],
              methodScopes: { '*': ['bank:read'] },
              toolScopes: { transfer_funds: ['bank:write'] },
              stepUp: [{ tool: 'transfer_funds', argument: '/amount', above: 1000 }],
              upstreamAuth: { type: 'api-key', value: apiKey },
            },
          ],
        },
      },
    },
    { logger: quiet, env: {}, ...(clock ? { clock } : {}) },
  );
  return { issuer, resource, oidcIssuer: server.oidcIssuer, server, close: () => server.close() };
}
