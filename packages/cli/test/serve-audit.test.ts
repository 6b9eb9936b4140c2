import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryAuditStore, MemoryJourneyLogStore } from '@waymark/core';
import type { Logger } from '@waymark/sdk';
import { RedisAuditStore, RedisJourneyLogStore } from '@waymark/redis';
import { resolveServerConfig, startServer, type RunningServer } from '@waymark/cli';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { captureLogger } from '../../../test/support/capture-logger.js';

/* The `audit` key of `waymark serve`: the audit store and the journey log it builds (memory, or
 * Redis with the `redis` setting), wired into the adapter and exported as `server.control`. */

const root = new URL('../../../', import.meta.url).pathname;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const client = {
  client_id: 'web-app',
  type: 'web',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://localhost:4000/callback'],
  allowed_flows: ['password-login'],
};
const base = {
  issuer: 'http://localhost:3000',
  port: 0,
  flows: [join(root, 'flows/password-login.json')],
  clients: [client],
  services: { usersFile: join(root, 'flows/fixtures/users.json') },
};
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** Starts a journey and answers it with a wrong password: one failed journey. */
async function failLogin(url: string): Promise<void> {
  const start = await fetch(`${url}/journeys/password-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'web-app' }),
  });
  const step = (await start.json()) as { journeyId: string; callbacks: { type: string; input: { name: string; value: unknown }[] }[] };
  const callbacks = step.callbacks.map((cb) => ({
    ...cb,
    input: cb.input.map((f) => ({ ...f, value: cb.type === 'PasswordCallback' ? 'wrong-password-xyz' : 'alice' })),
  }));
  await fetch(`${url}/journeys/${step.journeyId}/continue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callbacks }),
  });
}

/** Polls the store until `check` passes (appends are not awaited by the request). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return read();
}

describe('waymark serve: the audit key', () => {
  it('keeps audit events and the journey log in memory by default, exported as server.control', async () => {
    const server = await startServer(base, { logger: silent });
    running.push(server);
    expect(server.control.audit).toBeInstanceOf(MemoryAuditStore);
    expect(server.control.journeyLog).toBeInstanceOf(MemoryJourneyLogStore);
    await failLogin(server.url);
    const page = await eventually(
      () => server.control.audit!.query({ type: 'journey.ended', outcome: 'failure' }),
      (p) => p.events.length === 1,
    );
    // A wrong password: the failing node is named in the event and the journey log, with its trace.
    expect(page.events[0]).toMatchObject({ flow: 'password-login@1', node: 'verify', outcome: 'failure', client_id: 'web-app' });
    const journeys = await server.control.journeyLog!.query({ status: 'failure' });
    expect(journeys.journeys).toEqual([expect.objectContaining({ flowId: 'password-login', node: 'verify', status: 'failure' })]);
    expect(journeys.journeys[0]!.trace.at(-1)).toMatchObject({ node: 'verify', outcome: 'invalid' });
  });

  it('"store": false and "journeyLog": false keep nothing; "log": true writes one line per event', async () => {
    const logger = captureLogger();
    const server = await startServer({ ...base, audit: { store: false, log: true, journeyLog: false } }, { logger });
    running.push(server);
    expect({ audit: server.control.audit, journeyLog: server.control.journeyLog }).toEqual({ audit: undefined, journeyLog: undefined });
    await failLogin(server.url);
    expect(logger.lines.filter((l) => l.message === 'audit').map((l) => l.fields?.type)).toEqual(['journey.ended']);
  });

  it('refuses a bad audit setting with ERR_CONFIG_INVALID naming the key', () => {
    expect(() => resolveServerConfig({ ...base, audit: { capacity: 0 } }, root)).toThrow(/\/audit\/capacity/);
    expect(() => resolveServerConfig({ ...base, audit: { journeyLog: true } }, root)).toThrow(/\/audit\/journeyLog/);
    expect(() => resolveServerConfig({ ...base, audit: { stor: true } }, root)).toThrow(/\/audit\/stor/);
    expect(resolveServerConfig({ ...base, audit: { capacity: 5, journeyLog: { retentionSeconds: 60 } } }, root).audit).toEqual({
      store: true,
      capacity: 5,
      retentionSeconds: 2592000,
      log: false,
      journeyLog: { capacity: 10000, retentionSeconds: 60 },
    });
  });

  describe('with Redis', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis.dispose());

    it('keeps them on Redis, where every process of the deployment writes one trail', async () => {
      const secretKeys = [randomBytes(32).toString('base64url')];
      const config = { ...base, secretKeys, redis: { url: redis.url, prefix: `audit-${Date.now()}:` } };
      const [a, b] = [await startServer(config, { logger: silent }), await startServer(config, { logger: silent })];
      running.push(a, b);
      expect(a.control.audit).toBeInstanceOf(RedisAuditStore);
      expect(a.control.journeyLog).toBeInstanceOf(RedisJourneyLogStore);
      await failLogin(a.url);
      await failLogin(b.url);
      // Either process reads both.
      const page = await eventually(
        () => b.control.audit!.query({ type: 'journey.ended', outcome: 'failure' }),
        (p) => p.events.length === 2,
      );
      expect(page.events).toHaveLength(2);
      expect((await a.control.journeyLog!.query({ status: 'failure' })).journeys).toHaveLength(2);
    });
  });
});
