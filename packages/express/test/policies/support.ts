import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes, generateTotp, type UserRecord, type UserStore } from '@waymark/nodes';
import type { RateLimiterFactory, Stores } from '@waymark/sdk';
import { createWaymarkRouter } from '@waymark/express';
import { createPolicyDecisionPoint, type PolicyDecisionPoint } from '@waymark/policy';
import { basic, captureLogger, clients, ISSUER, SECRET, TestClock } from '../support/app.js';

export const PAYMENT = 'https://api.bankingexample.com:443/makepayment';
export const REFUND = 'https://api.bankingexample.com:443/refund';
export const TOTP_SECRETS: Record<string, string> = { 'user-alice': 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'user-bob': 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' };
export const SERVICE = { client_id: 'payments-pep', type: 'service', token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET, allowed_flows: ['transactional-stepup'] };
export const PEP_AUTH = basic('payments-pep', SECRET);

/** The article's policy: POST on makePayment by authenticated users, under a transaction condition. */
export function policyConfig(): Record<string, unknown> {
  return {
    policySets: [
      {
        name: 'transactionalAuthZ',
        policies: [
          { name: 'makePayment', resources: [PAYMENT], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: 'transactional-stepup' } },
          { name: 'refund', resources: [REFUND], actions: ['POST'], subject: { type: 'AuthenticatedUsers' }, condition: { type: 'Transaction', flow: 'transactional-stepup' } },
          { name: 'readAccounts', resources: ['https://api.bankingexample.com:443/accounts/*'], actions: ['GET'], subject: { type: 'AuthenticatedUsers', claims: { tier: ['gold'] } } },
        ],
      },
    ],
  };
}

const users: UserStore = {
  findByUsername: async () => undefined,
  findBySub: async (sub): Promise<UserRecord | undefined> => (TOTP_SECRETS[sub] ? { sub, username: sub, passwordHash: 'unused', attributes: { totpSecret: TOTP_SECRETS[sub] } } : undefined),
};

export interface PolicyTestApp {
  app: Express;
  clock: TestClock;
  stores: Stores;
  engine: Engine;
  pdp: PolicyDecisionPoint;
  logger: ReturnType<typeof captureLogger>;
  /** Creates a live session for a subject and returns its id. */
  session(sub: string, data?: Record<string, string>): Promise<string>;
  /** The current TOTP code of a subject (moves the clock one period on each call, so codes never repeat). */
  totp(sub: string): Promise<string>;
}

export interface PolicyTestOptions {
  config?: unknown;
  configure?: (app: Express, pdp: PolicyDecisionPoint) => void;
  /** Another process of the same deployment: its stores and clock (Redis in production). */
  peerOf?: PolicyTestApp;
  /** The router's `csrfKey` and the engine's `secretKeys` (a deployment gives every process the same). */
  csrfKey?: string;
  secretKeys?: string[];
  /** More flows to load (a step-up flow of a test's own). */
  flows?: unknown[];
  /**
   * The router builds its own decision point from `config` (`policies: { config }`) with these
   * rate limiters (`rateLimiters`), instead of taking the one this app returns as `pdp`: the
   * router's endpoints then use a decision point the test cannot reach (leave `t.pdp` alone).
   */
  routerRateLimiters?: RateLimiterFactory;
}
/** The options' former name. */
export type PolicyTestAppOptions = PolicyTestOptions;

export async function policyTestApp(options: PolicyTestOptions = {}): Promise<PolicyTestApp> {
  const clock = options.peerOf?.clock ?? new TestClock();
  const stores = options.peerOf?.stores ?? createMemoryStores(clock);
  const logger = captureLogger();
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, logger, services: { users }, ...(options.secretKeys ? { secretKeys: options.secretKeys } : {}) });
  engine.load(JSON.parse(readFileSync(new URL('../../../../flows/transactional-stepup.json', import.meta.url), 'utf8')));
  for (const flow of options.flows ?? []) engine.load(flow);
  const pdp = createPolicyDecisionPoint(options.config ?? policyConfig(), { stores, clock });
  const base = {
    issuer: ISSUER,
    clients: [...Object.values(clients), SERVICE],
    stores,
    clock,
    logger,
    engine,
    ...(options.csrfKey ? { csrfKey: options.csrfKey } : {}),
  };
  const router = options.routerRateLimiters
    ? createWaymarkRouter({ ...base, rateLimiters: options.routerRateLimiters, policies: { config: options.config ?? policyConfig() } })
    : createWaymarkRouter({ ...base, policies: { pdp } });
  const app = express();
  app.use('/', router);
  options.configure?.(app, pdp);
  let n = 0;
  return {
    app,
    clock,
    stores,
    engine,
    pdp,
    logger,
    async session(sub, data) {
      const id = `session-${sub}-${++n}`.padEnd(43, 'x');
      const now = clock.now();
      await stores.sessions.put({ id, sub, createdAt: now, lastSeenAt: now, idleSeconds: 3600, expiresAt: now + 8 * 3600_000, authTime: now, ...(data ? { data } : {}) });
      return id;
    },
    async totp(sub) {
      clock.advance(30);
      return generateTotp({ secret: TOTP_SECRETS[sub]!, epoch: Math.floor(clock.now() / 1000) });
    },
  };
}

/** Fills the TextInputCallback of a step with `code`. */
export function answer(callbacks: { type: string; output: unknown[]; input: { name: string; value: unknown }[] }[], code: string): unknown[] {
  return callbacks.map((cb) => (cb.type === 'TextInputCallback' ? { ...cb, input: cb.input.map((f) => ({ ...f, value: code })) } : cb));
}
