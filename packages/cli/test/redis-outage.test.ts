import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Logger } from '@waymark/sdk';
import { startServer, type RunningServer } from '@waymark/cli';
import { connectRedis } from '@waymark/redis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { freePort, startTokenIssuer, type TokenIssuer } from '../../../test/support/servers.js';
import {
  authorize,
  clients,
  continueJourney,
  credentialsFor,
  healthz,
  passwordLoginFlow,
  push,
  requestUriOf,
  setsSession,
  STACK_LINE,
  startLogin,
  TARGET,
  until,
  USERS_FILE,
  type Answer,
} from '../../../test/scale/support/handoff.js';
import { NATIVE_APP, sessionTransferFlow } from '../../../test/support/session-transfer-flow.js';

/* `waymark serve` on Redis while Redis goes away: a real redis-server (the @waymark/redis
 * harness) stopped and started again, or frozen, under a running startServer, through HTTP.
 * Wall time is real here (the client's own timeouts are what is tested); bounds are loose. */

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A fail-closed answer: 503 temporarily_unavailable, no session cookie, no stack. */
function expectUnavailable(a: Answer, what: string): void {
  expect({ what, status: a.status, session: setsSession(a), stack: STACK_LINE.test(a.body) }).toEqual({
    what,
    status: 503,
    session: false,
    stack: false,
  });
}

function oauthError(a: Answer): unknown {
  return (JSON.parse(a.body) as { error?: unknown }).error;
}

describe('waymark serve when Redis is lost and comes back', () => {
  let redis: RedisServer;
  let tokens: TokenIssuer;
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const audience = `${issuer}/session-transfer`;
    [redis, tokens] = await Promise.all([startRedisServer(), startTokenIssuer({ audience, clientId: NATIVE_APP })]);
    dir = mkdtempSync(join(tmpdir(), 'waymark-redis-outage-'));
    writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(tokens, audience)));
    writeFileSync(join(dir, 'password-login.json'), JSON.stringify(passwordLoginFlow()));
    server = await startServer(
      {
        issuer,
        host: '127.0.0.1',
        port,
        flows: [dir],
        clients,
        secretKeys: [randomBytes(32).toString('base64url')],
        services: { usersFile: USERS_FILE },
        redis: { url: redis.url, prefix: 'outage:' },
      },
      { logger: silent },
    );
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all([tokens?.close(), redis?.dispose()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('with Redis stopped: PAR, authorize, journey start and continue answer 503 temporarily_unavailable with no session and no stack; /healthz answers 503', async () => {
    // State made before the outage: a pushed request and a suspended journey.
    const pushed = requestUriOf(await push(server.url, await tokens.mint({ sub: 'user-alice' })));
    const suspended = credentialsFor(await startLogin(server.url));
    expect((await healthz(server.url)).status).toBe(200);

    await redis.stop();
    try {
      const par = await push(server.url, await tokens.mint({ sub: 'user-alice' }));
      expectUnavailable(par, 'PAR');
      expect(oauthError(par)).toBe('temporarily_unavailable');

      const page = await authorize(server.url, pushed);
      expectUnavailable(page, 'authorize');
      expect(page.location).toBeNull();

      const start = await startLogin(server.url);
      expectUnavailable(start, 'journey start');
      expect(oauthError(start)).toBe('temporarily_unavailable');

      const resumed = await continueJourney(server.url, suspended.journeyId, suspended.body);
      expectUnavailable(resumed, 'journey continue');
      expect(oauthError(resumed)).toBe('temporarily_unavailable');

      const health = await healthz(server.url);
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'unavailable', error: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      await redis.start();
    }
  });

  it('recovers by itself once Redis is back: /healthz 200, then a full handoff ends in 303 with a session and a journey finishes', async () => {
    await until(async () => (await healthz(server.url)).status === 200, 10_000, '/healthz back to 200 after Redis restarted');

    // A user the configured users file knows: token.validate refuses unknown subjects when a user store is wired.
    const handoff = await authorize(server.url, requestUriOf(await push(server.url, await tokens.mint({ sub: 'user-alice' }))));
    expect({ status: handoff.status, location: handoff.location, session: setsSession(handoff) }).toEqual({
      status: 303,
      location: TARGET,
      session: true,
    });

    const step = credentialsFor(await startLogin(server.url));
    const done = await continueJourney(server.url, step.journeyId, step.body);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ status: 'success' });
  });

  it('what was in flight when Redis was lost fails closed after the restart (data gone): the old request_uri and journey give no session', async () => {
    const pushed = requestUriOf(await push(server.url, await tokens.mint({ sub: 'user-alice' })));
    const suspended = credentialsFor(await startLogin(server.url));
    await redis.stop();
    await redis.start(); // persistence is off: the restarted server is empty
    await until(async () => (await healthz(server.url)).status === 200, 10_000, '/healthz back to 200 after Redis restarted');

    const page = await authorize(server.url, pushed);
    expect({ status: page.status, session: setsSession(page), location: page.location }).toEqual({
      status: 400,
      session: false,
      location: null,
    });
    const resumed = await continueJourney(server.url, suspended.journeyId, suspended.body);
    expect({ status: resumed.status, session: setsSession(resumed) }).toEqual({ status: 404, session: false });
  });

  it('with Redis frozen (accepts connections, answers nothing): requests fail closed with 503 within the 2 s command timeout, and succeed once it answers again', async () => {
    redis.freeze();
    const started = performance.now();
    try {
      const par = await push(server.url, await tokens.mint({ sub: 'user-alice' }));
      expectUnavailable(par, 'PAR on a frozen Redis');
      expect(performance.now() - started).toBeLessThan(5000);
      expect((await healthz(server.url)).status).toBe(503);
    } finally {
      redis.thaw();
    }
    await until(async () => (await healthz(server.url)).status === 200, 10_000, '/healthz back to 200 after Redis thawed');
    expect((await push(server.url, await tokens.mint({ sub: 'user-alice' }))).status).toBe(201);
  });

  it('with Redis read-only (demoted to a replica in a failover): PAR and journey start answer 503 temporarily_unavailable, not 500, and work again once it is a master', async () => {
    const gone = await startRedisServer();
    await gone.dispose(); // the new master never answers: the replica keeps its data, and refuses writes with READONLY
    const admin = await connectRedis(redis.url);
    try {
      await admin.call('REPLICAOF', '127.0.0.1', String(gone.port));
      const par = await push(server.url, await tokens.mint({ sub: 'user-alice' }));
      expectUnavailable(par, 'PAR on a read-only Redis');
      expect(oauthError(par)).toBe('temporarily_unavailable');
      const start = await startLogin(server.url);
      expectUnavailable(start, 'journey start on a read-only Redis');
      expect(oauthError(start)).toBe('temporarily_unavailable');
    } finally {
      await admin.call('REPLICAOF', 'NO', 'ONE');
      admin.disconnect();
    }
    expect((await push(server.url, await tokens.mint({ sub: 'user-alice' }))).status).toBe(201);
  });
});
