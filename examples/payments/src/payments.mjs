// The demo's pieces: a Waymark server (PDP + step-up journey) and a payment API (PEP), in one
// express app on one port. Plain ESM importing the built packages (npm run build first).
import { readFileSync } from 'node:fs';
import express from 'express';
import { createEngine, createMemoryStores } from '@waymark/core';
import { createWaymarkRouter, requireTransaction } from '@waymark/express';
import { builtinNodes, hashPassword } from '@waymark/nodes';

const here = (path) => new URL(path, import.meta.url);
const json = (path) => JSON.parse(readFileSync(here(path), 'utf8'));

export const PAYMENT_RESOURCE = 'https://api.bankingexample.com:443/makepayment';
export const APP_CLIENT_ID = 'banking-app';
export const PEP_CLIENT = { client_id: 'payments-api', secret: 'payments-api-demo-secret-of-at-least-32-chars' };
/** The article's end user, with an enrolled authenticator (base32 TOTP secret). */
export const POLICY_USER = { sub: 'policy-user-1', username: 'policy_user', password: '!!_SeCu4E@Pa55w04D$', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };

/** A one-user directory for credentials.verify and otp.challenge. */
async function userStore() {
  const record = { sub: POLICY_USER.sub, username: POLICY_USER.username, passwordHash: await hashPassword(POLICY_USER.password), attributes: { totpSecret: POLICY_USER.totpSecret } };
  return {
    findByUsername: async (u) => (u.toLowerCase() === record.username ? structuredClone(record) : undefined),
    findBySub: async (s) => (s === record.sub ? structuredClone(record) : undefined),
  };
}

/**
 * Starts the demo server on an ephemeral port. `clock` is injectable (tests); default Date.now.
 * Returns { baseUrl, engine, close }.
 */
export async function startPayments({ clock = { now: () => Date.now() }, logger } = {}) {
  const stores = createMemoryStores(clock);
  const quiet = logger ?? { debug() {}, info() {}, warn() {}, error() {} };
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, logger: quiet, services: { users: await userStore() } });
  engine.load(json('../../../flows/transactional-stepup.json'));
  engine.load(json('../flows/password-login.json'));

  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://localhost:${server.address().port}`;

  app.use(
    '/',
    createWaymarkRouter({
      issuer: baseUrl,
      clients: [
        { client_id: PEP_CLIENT.client_id, type: 'service', token_endpoint_auth_method: 'client_secret_basic', client_secret: PEP_CLIENT.secret, allowed_flows: ['transactional-stepup'] },
        // The banking app signs its users in through the journey JSON API.
        { client_id: APP_CLIENT_ID, type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['com.example.bank:/callback'], allowed_flows: ['password-login'] },
      ],
      stores,
      clock,
      logger: quiet,
      engine,
      policies: { config: json('../policies.json') },
    }),
  );

  // The resource server: the PEP asks the PDP over REST, as a gateway would.
  app.post(
    '/makepayment',
    requireTransaction({
      evaluateUrl: `${baseUrl}/policies/evaluate`,
      clientId: PEP_CLIENT.client_id,
      clientSecret: PEP_CLIENT.secret,
      application: 'transactionalAuthZ',
      resource: () => PAYMENT_RESOURCE,
      subject: (req) => req.get('x-session-id'),
      stepUpUrl: (txId) => `${baseUrl}/policies/transactions/${txId}/stepup`,
    }),
    (_req, res) => {
      res.status(200).json({ paid: true, decision: [res.locals.policyDecision] });
    },
  );

  return { baseUrl, engine, close: () => new Promise((resolve) => server.close(resolve)) };
}
