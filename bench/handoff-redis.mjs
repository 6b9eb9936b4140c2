// Handoff benchmark on Redis: complete app-to-web handoffs per second (PAR, then authorize
// ending in a 303 with the session cookie) against `startServer` with the Redis stores, and
// against a hand-written express server that keeps its pushed requests and sessions in the same
// Redis the obvious way (SET PX, GETDEL, SET PX), measured in the same run. Goal: Waymark ≥ 0.85
// × hand-written. Also: Redis round trips per handoff (goal ≤ 3; the stores' own counter,
// `commands()`; the server's `total_commands_processed` is printed beside it, and also counts
// the commands each Lua script runs inside Redis) and the bytes one
// suspended journey takes in Redis for each shipped flow that suspends.
//
// It starts its own redis-server (loopback, a free port, persistence off). Servers run in child
// processes and this process generates the load (bench/lib/load.mjs, the same schedule as
// bench/handoff.mjs: warm-up, then short slices in alternating order).
//
// Run: npm run bench (or node bench/handoff-redis.mjs after npm run build).
// Env: HANDOFF_BENCH_SECONDS (measured seconds per side, default 5), HANDOFF_BENCH_WARMUP
//      (default 2), HANDOFF_BENCH_VUS (default 32), HANDOFF_BENCH_SLICE (default 0.5),
//      REDIS_SERVER_BIN (default: redis-server on the PATH).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import express from 'express';
import { json, seeOther } from './handoff-baseline.mjs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  alternate,
  AUDIENCE,
  CLIENT,
  figures,
  freePort,
  handoff,
  handoffForms,
  NATIVE_APP,
  row,
  sessionTransferFlow,
  side,
  startChild,
  startTokenIssuer,
  transferClient,
} from './lib/load.mjs';

const SECONDS = Number(process.env.HANDOFF_BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.HANDOFF_BENCH_WARMUP ?? 2);
const VUS = Number(process.env.HANDOFF_BENCH_VUS ?? 32);
const SLICE = Number(process.env.HANDOFF_BENCH_SLICE ?? 0.5);
/** Sequential handoffs per side for the round-trip count. */
const COUNTED = 200;
/** The whole run, start-up to clean-up, must end within this. */
const BUDGET_MS = 60_000;
const FLOWS_DIR = fileURLToPath(new URL('../flows/', import.meta.url));

// ------------------------------------------------------------------------------ redis-server

function findRedisServer() {
  const candidates = process.env.REDIS_SERVER_BIN
    ? [process.env.REDIS_SERVER_BIN]
    : ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server'))];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error('the Redis handoff benchmark needs redis-server: apt-get install -y redis-server (or set REDIS_SERVER_BIN)');
  return found;
}

/** A throwaway redis-server: loopback, a free port, no RDB, no AOF, its directory in tmp. */
async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  const proc = spawn(findRedisServer(), args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  admin.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`redis-server did not start on ${url}: ${error.message}`);
      admin.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    admin,
    /** Commands the server has processed, less the INFO commands that asked. */
    processed: async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))[1]),
    async stop() {
      admin.disconnect();
      await new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- server side (child process)

async function serveWaymark(setup) {
  const { startServer } = await import('@waymark/cli');
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-handoff-redis-'));
  writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(setup)));
  const port = await freePort();
  const server = await startServer({
    issuer: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    flows: [dir],
    clients: [transferClient()],
    parRateLimit: false, // a load test is one client pushing thousands of times a second
    redis: { url: setup.redisUrl, prefix: 'bench-waymark:' },
    secretKeys: [setup.secretKey],
  });
  return {
    url: server.url,
    // The stores' own round-trip counter (non-enumerable on the stores startServer built).
    commands: () => server.router.context.stores.commands?.() ?? null,
    close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })),
  };
}

/**
 * The hand-written baseline on Redis: the checks of bench/handoff-baseline.mjs (the token
 * judged at PAR, only its subject kept), with the pushed request and the session in Redis the
 * way a team would write it by hand. Two round
 * trips per handoff: SET PX on PAR; GETDEL (single use) then SET PX of the session on authorize.
 */
async function serveBaselineRedis({ tokenIssuer, jwksUri, redisUrl }) {
  const PREFIX = 'urn:ietf:params:oauth:request_uri:';
  const TTL_MS = 60_000;
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000, lazyConnect: true });
  redis.on('error', () => {});
  await redis.connect();
  let commands = 0;
  const jwks = createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: 600_000, cooldownDuration: 30_000 });
  const ip = (req) => {
    const a = req.socket.remoteAddress ?? '';
    return a.startsWith('::ffff:') ? a.slice(7) : a;
  };
  // The answers as bench/handoff-baseline.mjs writes them: Waymark's security headers, no-store, JSON without an ETag, an empty 303.
  const fail = (res, status, error) => json(res, status, { error });
  const allowedTarget = (raw) => {
    if (typeof raw !== 'string' || !URL.canParse(raw)) return false;
    const url = new URL(raw);
    const allow = new URL('http://localhost:4000/');
    return url.origin === allow.origin && url.pathname.startsWith(allow.pathname) && !url.username && !url.hash;
  };

  const app = express();
  app.disable('x-powered-by');
  app.post('/par', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const p = req.body ?? {};
    if (typeof p.client_id !== 'string') return fail(res, 400, 'invalid_request');
    if (p.client_id !== CLIENT) return fail(res, 401, 'invalid_client');
    if (p.response_type !== 'code') return fail(res, 400, 'unsupported_response_type');
    if (p.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge ?? '')) return fail(res, 400, 'invalid_request');
    if (p.scope !== undefined && !(typeof p.scope === 'string' && p.scope.split(' ').every((s) => s === 'session_transfer')))
      return fail(res, 400, 'invalid_scope');
    if (typeof p.subject_token !== 'string' || !allowedTarget(p.target)) return fail(res, 400, 'invalid_request');
    if (p.subject_token_type !== undefined && p.subject_token_type !== 'urn:ietf:params:oauth:token-type:access_token')
      return fail(res, 400, 'invalid_request');
    // The token is judged here (RFC 9126 §2.1), as Waymark's push phase does; only its subject is kept.
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(p.subject_token, jwks, {
        issuer: tokenIssuer,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      return fail(res, 400, 'invalid_request');
    }
    if (claims.client_id !== NATIVE_APP || claims.sub === claims.client_id || claims.cnf !== undefined)
      return fail(res, 400, 'invalid_request');
    const id = randomBytes(32).toString('base64url');
    try {
      commands++;
      await redis.set(
        `bench-hand:par:${id}`,
        JSON.stringify({ clientId: CLIENT, sub: claims.sub, target: p.target, ip: ip(req), expiresAt: Date.now() + TTL_MS }),
        'PX',
        TTL_MS,
      );
    } catch {
      return fail(res, 503, 'temporarily_unavailable');
    }
    json(res, 201, { request_uri: `${PREFIX}${id}`, expires_in: TTL_MS / 1000 });
  });
  app.get('/authorize', async (req, res) => {
    const requestUri = typeof req.query.request_uri === 'string' ? req.query.request_uri : '';
    const id = requestUri.startsWith(PREFIX) ? requestUri.slice(PREFIX.length) : '';
    let entry;
    try {
      commands++;
      const raw = await redis.getdel(`bench-hand:par:${id}`); // single use, atomically
      entry = raw === null ? undefined : JSON.parse(raw);
    } catch {
      return fail(res, 503, 'temporarily_unavailable');
    }
    if (!entry || entry.clientId !== req.query.client_id || entry.expiresAt <= Date.now()) return fail(res, 400, 'invalid_request_uri');
    if (entry.ip !== ip(req)) return fail(res, 401, 'access_denied');
    if (!allowedTarget(entry.target)) return fail(res, 400, 'access_denied');
    const sid = randomBytes(32).toString('base64url');
    const ttl = 8 * 3600_000;
    try {
      commands++;
      await redis.set(`bench-hand:session:${sid}`, JSON.stringify({ sub: entry.sub, expiresAt: Date.now() + ttl }), 'PX', ttl);
    } catch {
      return fail(res, 503, 'temporarily_unavailable');
    }
    seeOther(res, entry.target, `__Host-waymark-session=${sid}; Path=/; Secure; HttpOnly; SameSite=Lax`);
  });

  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    commands: () => commands,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        redis.disconnect();
      }),
  };
}

async function childMain(which) {
  process.once('message', async (setup) => {
    try {
      const server = await (which === 'waymark' ? serveWaymark(setup) : serveBaselineRedis(setup));
      process.on('message', (m) => {
        if (m?.type === 'commands') process.send({ commands: server.commands() });
        // The server process's CPU time (main thread and crypto threads), for CPU per handoff.
        if (m?.type === 'cpu') {
          const { user, system } = process.cpuUsage();
          process.send({ cpu: user + system });
        }
      });
      process.send({ url: server.url });
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
      process.exit(1);
    }
  });
}

// ------------------------------------------------------------------ load side (this process)

/** `COUNTED` handoffs one at a time on one side (the other idle): round trips per handoff, two ways. */
async function countRoundTrips(s, forms, redis) {
  const before = { own: (await s.server.request({ type: 'commands' })).commands, server: await redis.processed() };
  for (let i = 0; i < COUNTED; i++) await handoff(s.agent, s.base, forms[i % forms.length]);
  const after = { own: (await s.server.request({ type: 'commands' })).commands, server: await redis.processed() };
  return {
    own: before.own === null || after.own === null ? null : (after.own - before.own) / COUNTED,
    // Less the INFO command that read `after`.
    server: (after.server - before.server - 1) / COUNTED,
  };
}

/**
 * Bytes one suspended journey takes in Redis: each shipped flow (flows/*.json) is started on an
 * engine with the Redis stores; for each that suspends, the journey hash's sealed value and
 * what Redis reports for the whole key (MEMORY USAGE: fields, expiry, overhead).
 */
async function suspendedJourneyBytes(redisUrl) {
  const [{ createEngine }, { builtinNodes }, { connectRedis, createRedisStores }] = await Promise.all([
    import('@waymark/core'),
    import('@waymark/nodes'),
    import('@waymark/redis'),
  ]);
  const client = await connectRedis(redisUrl);
  const prefix = 'bench-size:';
  const stores = createRedisStores({ redis: client, prefix });
  const { journeys, pushedRequests, sessions, transactions, counters, kv } = stores; // the engine takes the six stores only
  const engine = await createEngine({
    nodes: builtinNodes,
    stores: { journeys, pushedRequests, sessions, transactions, counters, kv },
    secretKeys: [randomBytes(32).toString('base64url')],
    // The shipped config's flow variables (flows/session-transfer.json reads its token issuer from them).
    variables: JSON.parse(readFileSync(new URL('../waymark.config.json', import.meta.url), 'utf8')).variables,
  });
  const sizes = [];
  try {
    for (const file of readdirSync(FLOWS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const flow = JSON.parse(readFileSync(join(FLOWS_DIR, file), 'utf8'));
      engine.load(flow);
      const info = { clientId: 'bench', redirectTargets: [], redirectUris: [] };
      const request = { ip: '127.0.0.1', headers: { 'user-agent': 'bench' }, cookies: {}, userAgent: 'bench' };
      let result;
      try {
        result = await engine.start(flow.id, { request, params: {}, client: info, meta: { clientId: 'bench' } });
      } catch {
        continue; // needs a service this bench does not wire before it suspends
      }
      if (result.status !== 'suspended') continue;
      const key = `${prefix}{${result.journeyId}}:journey`;
      const [value, memory] = await Promise.all([client.hstrlen(key, 'v'), client.call('MEMORY', 'USAGE', key)]);
      sizes.push({ flow: flow.id, valueBytes: value, keyBytes: Number(memory) });
    }
  } finally {
    client.disconnect();
  }
  return sizes;
}

/** Runs the benchmark; resolves with per-side figures, the ratio, round trips and journey sizes. */
export async function benchHandoffRedis() {
  const started = performance.now();
  const redis = await startRedis();
  const issuer = await startTokenIssuer();
  const setup = {
    tokenIssuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    redisUrl: redis.url,
    secretKey: randomBytes(32).toString('base64url'),
  };
  const script = fileURLToPath(import.meta.url);
  const sides = {};
  const guard = setTimeout(() => {
    console.error(`handoff-redis: over its ${BUDGET_MS / 1000} s budget; stopping`);
    process.exit(1);
  }, BUDGET_MS);
  guard.unref();
  let roundTrips;
  let journeys;
  try {
    const [waymark, baseline] = await Promise.all([startChild(script, 'waymark', setup), startChild(script, 'baseline', setup)]);
    sides.waymark = { ...side(waymark, VUS), cpu: true };
    sides.baseline = { ...side(baseline, VUS), cpu: true };
    const forms = await handoffForms(issuer, VUS);
    await alternate(sides, forms, { warmup: WARMUP, seconds: SECONDS, slice: SLICE });
    roundTrips = {
      waymark: await countRoundTrips(sides.waymark, forms, redis),
      baseline: await countRoundTrips(sides.baseline, forms, redis),
    };
    journeys = await suspendedJourneyBytes(redis.url);
  } finally {
    for (const s of Object.values(sides)) s.agent.destroy();
    await Promise.all(Object.values(sides).map((s) => s.server.stop()));
    await issuer.close();
    await redis.stop();
    clearTimeout(guard);
  }
  const waymark = figures(sides.waymark);
  const baseline = figures(sides.baseline);
  return {
    vus: VUS,
    seconds: SECONDS,
    waymark,
    baseline,
    ratio: waymark.rps / baseline.rps,
    cpuRatio: baseline.cpuPerHandoff / waymark.cpuPerHandoff,
    roundTrips,
    journeys,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/** The lines `npm run bench` prints. */
export function formatHandoffRedis(h) {
  const { waymark: w, baseline: b } = h.roundTrips;
  return [
    `handoff on Redis (PAR + authorize → 303 + session cookie, ${h.vus} virtual users, ${h.seconds} s per side, one local redis-server, servers in child processes)`,
    row('hand-written express + Redis', h.baseline),
    row('Waymark startServer + Redis', h.waymark),
    `  ratio Waymark/hand-written      ${h.ratio.toFixed(2)} (goal ≥ 0.85)`,
    `  server CPU per handoff          hand-written ${h.baseline.cpuPerHandoff.toFixed(0)} µs, Waymark ${h.waymark.cpuPerHandoff.toFixed(0)} µs: ratio ${h.cpuRatio.toFixed(2)} (hand-written ÷ Waymark; the node process only, not redis-server)`,
    `  Redis round trips per handoff   Waymark ${w.own === null ? 'n/a' : w.own.toFixed(2)} (goal ≤ 3), hand-written ${b.own.toFixed(2)}`,
    `  commands Redis ran per handoff  Waymark ${w.server.toFixed(1)}, hand-written ${b.server.toFixed(1)} (total_commands_processed: includes the commands inside Lua scripts)`,
    ...h.journeys.map(
      (j) =>
        `  suspended journey in Redis      ${j.flow.padEnd(22)} ${j.valueBytes} bytes journey record, ${j.keyBytes} bytes whole key (MEMORY USAGE)`,
    ),
    `  (${h.totalSeconds.toFixed(1)} s in all)`,
  ];
}

if (process.argv[2] === '--serve') await childMain(process.argv[3]);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  console.log(formatHandoffRedis(await benchHandoffRedis()).join('\n'));
