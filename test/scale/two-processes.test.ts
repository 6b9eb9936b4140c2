import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { freePort, startTokenIssuer, type TokenIssuer } from '../support/servers.js';
import {
  authorize,
  clients,
  continueJourney,
  credentialsFor,
  passwordLoginFlow,
  push,
  requestUriOf,
  setsSession,
  TARGET,
  TRANSFER_CLIENT,
  USERS_FILE,
  WEB_CLIENT,
  type Answer,
} from './support/handoff.js';
import { NATIVE_APP, sessionTransferFlow } from '../support/session-transfer-flow.js';

/*
 * Horizontal scale: two real `waymark serve` processes (node packages/cli/dist/bin.js, built
 * here with `tsc -b` first, which is incremental) on two loopback ports share one real
 * redis-server. A takes Redis and its secret key from its config file, B from the environment
 * (WAYMARK_REDIS_URL, WAYMARK_SECRET_KEYS), as two deployments of one service would.
 */

const root = new URL('../../', import.meta.url).pathname;
const RACERS = 50;

interface Serve {
  url: string;
  output: string[];
  stop(): Promise<void>;
}

/** Runs `waymark serve --config <file>` and resolves once it prints its URL. */
function serve(config: string, env: Record<string, string>): Promise<Serve> {
  const child: ChildProcess = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'serve', '--config', config], {
    cwd: root,
    env: { ...process.env, WAYMARK_REDIS_URL: '', WAYMARK_SECRET_KEYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let stderr = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`waymark serve did not start within 15 s:\n${output.join('\n')}\n${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      const listening = output.map((l) => /^waymark listening on (\S+)/.exec(l)).find(Boolean);
      if (listening) {
        clearTimeout(timer);
        resolve({ url: listening[1]!, output, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`waymark serve exited with ${code}:\n${output.join('\n')}\n${stderr}`));
    });
  });
}

/** Starts the login journey on one process with an authorization parameter, so its record holds a sealed part. */
async function startSealedLogin(base: string): Promise<Answer> {
  const response = await fetch(`${base}/journeys/password-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: WEB_CLIENT, params: { state: 'af0ifjsldkj' } }),
  });
  return { status: response.status, body: await response.text(), location: null, cookies: response.headers.getSetCookie() };
}

function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

describe('two waymark serve processes sharing one Redis', () => {
  let redis: RedisServer;
  let tokens: TokenIssuer;
  let a: Serve;
  let b: Serve;
  let dir: string;

  beforeAll(async () => {
    const build = spawnSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
    if (build.status !== 0)
      throw new Error(`npx tsc -b packages/cli failed (the processes run dist/bin.js):\n${build.stdout}${build.stderr}`);

    const [portA, portB] = [await freePort(), await freePort()];
    // One issuer, as two processes behind one load balancer have.
    const issuer = `http://127.0.0.1:${portA}`;
    const audience = `${issuer}/session-transfer`;
    [redis, tokens] = await Promise.all([startRedisServer(), startTokenIssuer({ audience, clientId: NATIVE_APP })]);
    dir = mkdtempSync(join(tmpdir(), 'waymark-scale-'));
    writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(tokens, audience)));
    writeFileSync(join(dir, 'password-login.json'), JSON.stringify(passwordLoginFlow()));
    const key = randomBytes(32).toString('base64url');
    // Flow files by name: the folder also holds the two config files.
    const common = {
      issuer,
      host: '127.0.0.1',
      flows: ['session-transfer.json', 'password-login.json'],
      clients,
      services: { usersFile: USERS_FILE },
      // The test client is a trusted proxy, so the budget test below can name its own source
      // addresses; a small PAR budget that the tests above stay well under.
      trustedProxies: ['127.0.0.1'],
      parRateLimit: { max: 4, clientMax: 1000, windowSeconds: 60 },
    };
    writeFileSync(
      join(dir, 'a.config.json'),
      JSON.stringify({ ...common, port: portA, secretKeys: [key], redis: { url: redis.url, prefix: 'waymark:' } }),
    );
    writeFileSync(join(dir, 'b.config.json'), JSON.stringify({ ...common, port: portB }));
    [a, b] = await Promise.all([
      serve(join(dir, 'a.config.json'), {}),
      serve(join(dir, 'b.config.json'), { WAYMARK_REDIS_URL: redis.url, WAYMARK_SECRET_KEYS: key }),
    ]);
  }, 200_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([tokens?.close(), redis?.dispose()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('both processes say they run on that Redis (A from its config, B from WAYMARK_REDIS_URL), on different ports', () => {
    const line = `stores: redis redis://127.0.0.1:${redis.port} (prefix waymark:)`;
    expect(a.output).toContain(line);
    expect(b.output).toContain(line);
    expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
  });

  it('a PAR made on A is redeemed on B: 303 to the target with a session cookie; replayed on A it gives no session', async () => {
    // A user the configured users file knows: token.validate refuses unknown subjects when a user store is wired.
    const requestUri = requestUriOf(await push(a.url, await tokens.mint({ sub: 'user-alice' })));
    const onB = await authorize(b.url, requestUri);
    expect({ status: onB.status, location: onB.location, session: setsSession(onB) }).toEqual({
      status: 303,
      location: TARGET,
      session: true,
    });
    const replay = await authorize(a.url, requestUri);
    expect({ status: replay.status, session: setsSession(replay) }).toEqual({ status: 400, session: false });
  });

  it('a journey suspended on A (sealed part included) is resumed on B and finishes there', async () => {
    const step = credentialsFor(await startSealedLogin(a.url));
    const done = await continueJourney(b.url, step.journeyId, step.body);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ status: 'success' });
    // Finished means gone, for both processes.
    expect((await continueJourney(a.url, step.journeyId, step.body)).status).toBe(404);
  });

  it(`a request_uri raced on A and B at once (${RACERS} attempts) is redeemed exactly once`, async () => {
    const requestUri = requestUriOf(await push(b.url, await tokens.mint({ sub: 'user-alice' })));
    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => authorize(i % 2 === 0 ? a.url : b.url, requestUri)));
    expect(answers.filter(setsSession)).toHaveLength(1);
    expect(tally(answers)).toEqual({ 303: 1, 400: RACERS - 1 });
  });

  it('one PAR budget for both processes: pushes from one address spread over A and B stop at max, with Retry-After; another address still pushes', async () => {
    // A fresh token per push: the shipped flow accepts each token once (singleUse), at PAR.
    const pushFrom = async (base: string, ip: string) => {
      const token = await tokens.mint({ sub: 'user-alice' });
      const res = await fetch(`${base}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        body: new URLSearchParams({
          client_id: TRANSFER_CLIENT,
          response_type: 'code',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          subject_token: token,
          target: TARGET,
        }),
      });
      await res.arrayBuffer();
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await pushFrom(i % 2 === 0 ? a.url : b.url, '203.0.113.77')).status);
    expect(statuses).toEqual([201, 201, 201, 201]);
    // Each process alone has seen two: only a shared count refuses the fifth, on either.
    for (const base of [a.url, b.url]) {
      const refused = await pushFrom(base, '203.0.113.77');
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    }
    expect((await pushFrom(b.url, '198.51.100.23')).status).toBe(201);
  });

  it(`a suspended journey resumed on A and B at once (${RACERS} attempts) advances exactly once; the others get 409 or 404, never a 5xx`, async () => {
    const step = credentialsFor(await startSealedLogin(b.url));
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => continueJourney(i % 2 === 0 ? a.url : b.url, step.journeyId, step.body)),
    );
    const advanced = answers.filter((x) => x.status === 200);
    expect(advanced).toHaveLength(1);
    expect(JSON.parse(advanced[0]!.body)).toMatchObject({ status: 'success' });
    const others = tally(answers.filter((x) => x.status !== 200));
    expect(Object.keys(others).every((status) => status === '409' || status === '404')).toBe(true);
    expect((others[409] ?? 0) + (others[404] ?? 0)).toBe(RACERS - 1);
  });
});
