// Handoff benchmark: complete app-to-web handoffs per second (PAR, then authorize ending in a
// 303 with the session cookie) against `startServer` (memory stores, the session-transfer
// flow), and against a hand-written express server doing the same checks
// (handoff-baseline.mjs), measured in the same run. Goal: Waymark ≥ 0.85 × hand-written.
//
// Each server runs in its own child process and this process generates the load: on a
// two-core machine the server gets a core of its own instead of sharing one with the client,
// which would make the ratio measure the load generator. The two servers are measured one
// after the other (never at once), in short slices of alternating order (W B B W W B …), so
// drift on a noisy shared machine falls on both sides alike. Both fetch the same JWKS (served from here, once)
// and verify the same ES256 tokens.
//
// Run: npm run bench (or node bench/handoff.mjs after npm run build).
// Env: HANDOFF_BENCH_SECONDS (measured seconds per side, default 5), HANDOFF_BENCH_WARMUP
//      (seconds per side before measuring, default 2), HANDOFF_BENCH_VUS (default 32),
//      HANDOFF_BENCH_SLICE (seconds per alternating slice, default 0.5).
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const SECONDS = Number(process.env.HANDOFF_BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.HANDOFF_BENCH_WARMUP ?? 2);
const VUS = Number(process.env.HANDOFF_BENCH_VUS ?? 32);
const SLICE = Number(process.env.HANDOFF_BENCH_SLICE ?? 0.5);

// One session-transfer client. Its PAR rate limit stays on (every handoff pays for the
// counter) with a budget no benchmark reaches: `parRateLimit` in the serve config.
const CLIENT_ID = 'session-transfer';
const PAR_RATE_LIMIT = { max: 1e9, windowSeconds: 60 };
const NATIVE_APP = 'mobile-app';
const TARGET = 'http://localhost:4000/profile';
const AUDIENCE = 'https://waymark.bench/session-transfer';
const COOKIE = '__Host-waymark-session=';

// ---------------------------------------------------------------- server side (child process)

async function serveWaymark(setup) {
  const { startServer } = await import('@waymark/cli');
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-handoff-'));
  writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(setup)));
  const port = await freePort();
  const server = await startServer({
    issuer: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    flows: [dir],
    parRateLimit: PAR_RATE_LIMIT,
    clients: [
      {
        client_id: CLIENT_ID,
        type: 'session-transfer',
        token_endpoint_auth_method: 'none',
        require_pushed_authorization_requests: true,
        allowed_flows: ['session-transfer'],
        redirect_targets: ['http://localhost:4000/'],
        allowed_pushed_parameters: ['subject_token', 'target'],
      },
    ],
  });
  return { url: server.url, close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** The shipped flow's shape, with this run's token issuer. */
function sessionTransferFlow({ tokenIssuer, jwksUri }) {
  return {
    id: 'session-transfer',
    version: 1,
    description: 'Benchmark copy of flows/session-transfer.json with the local token issuer.',
    start: 'validateToken',
    nodes: {
      validateToken: {
        type: 'token.validate',
        config: { issuer: tokenIssuer, audience: AUDIENCE, jwksUri, allowedClients: [NATIVE_APP], from: { pushed: 'subject_token' } },
        outcomes: { valid: 'matchIp', invalid: 'failure', error: 'failure' },
      },
      matchIp: { type: 'ip.match', config: { against: 'par' }, outcomes: { match: 'createSession', mismatch: 'failure' } },
      createSession: { type: 'session.create', outcomes: { created: 'toTarget', conflict: 'failure' } },
      toTarget: {
        type: 'redirect',
        config: { from: { pushed: 'target' }, allowLoopbackHttp: true },
        outcomes: { redirected: 'success', rejected: 'failure' },
      },
    },
  };
}

/** A free port on 127.0.0.1: Waymark's issuer URL names its port, so it must be known before it listens. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function serveBaseline(setup) {
  const { startBaseline } = await import('./handoff-baseline.mjs');
  return startBaseline({
    clientIds: [CLIENT_ID],
    tokenIssuer: setup.tokenIssuer,
    jwksUri: setup.jwksUri,
    audience: AUDIENCE,
    allowedClients: [NATIVE_APP],
    targets: ['http://localhost:4000/'],
  });
}

async function childMain(side) {
  process.once('message', async (setup) => {
    try {
      const server = await (side === 'waymark' ? serveWaymark(setup) : serveBaseline(setup));
      process.send({ url: server.url });
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
      process.exit(1);
    }
  });
}

// ------------------------------------------------------------------ load side (this process)

/** The authorization server that issued the app's tokens: a JWKS on loopback and a key. */
async function startTokenIssuer() {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const mint = (sub) =>
    new SignJWT({ client_id: NATIVE_APP, scope: 'openid profile' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti(randomUUID())
      .sign(privateKey);
  return { issuer, jwksUri: `${issuer}/jwks`, mint, fetches: () => fetches, close: () => new Promise((r) => server.close(r)) };
}

function startChild(side, setup) {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', side], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: process.env.HANDOFF_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HANDOFF_BENCH_PROFILE}`] : [] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) =>
      m.url
        ? resolve({ url: m.url, stop: () => child.connected && child.disconnect() })
        : reject(new Error(`${side} did not start:\n${m.error}`)),
    );
    child.once('exit', (code) => reject(new Error(`${side} server exited with ${code}`)));
    child.send(setup);
  });
}

/** One HTTP exchange over the keep-alive agent; resolves with status, headers and body text. */
function exchange(agent, base, method, path, body) {
  return new Promise((resolve, reject) => {
    const headers =
      body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) };
    const req = request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One complete handoff, as a native app then a browser do it. Throws unless it ends in 303 + session cookie. */
async function handoff(agent, base, form) {
  const clientId = CLIENT_ID;
  const par = await exchange(agent, base, 'POST', '/par', `client_id=${clientId}&${form}`);
  if (par.status !== 201) throw new Error(`PAR answered ${par.status}: ${par.body.slice(0, 200)}`);
  const { request_uri: requestUri } = JSON.parse(par.body);
  const auth = await exchange(agent, base, 'GET', `/authorize?client_id=${clientId}&request_uri=${encodeURIComponent(requestUri)}`);
  const cookies = auth.headers['set-cookie'] ?? [];
  if (auth.status !== 303 || auth.headers.location !== TARGET || !cookies.some((c) => c.startsWith(COOKIE)))
    throw new Error(`authorize answered ${auth.status} (location ${auth.headers.location ?? 'none'}): ${auth.body.slice(0, 200)}`);
}

/** VUS virtual users, each doing handoffs back to back for `seconds`; returns latencies in ms. */
async function load(side, forms, seconds) {
  const latencies = [];
  const stopAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    forms.map(async (form) => {
      while (performance.now() < stopAt) {
        const start = performance.now();
        await handoff(side.agent, side.base, form);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, elapsed: (performance.now() - t0) / 1000 };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs the benchmark; resolves with per-side figures and the ratio. */
export async function benchHandoff() {
  const issuer = await startTokenIssuer();
  const setup = { tokenIssuer: issuer.issuer, jwksUri: issuer.jwksUri };
  const sides = {};
  try {
    const [waymark, baseline] = await Promise.all([startChild('waymark', setup), startChild('baseline', setup)]);
    const side = (server) => ({
      server,
      base: new URL(server.url),
      agent: new Agent({ keepAlive: true, maxSockets: VUS }),
      latencies: [],
      seconds: 0,
    });
    sides.waymark = side(waymark);
    sides.baseline = side(baseline);
    // One token and one PKCE challenge per virtual user (the client id is prepended per request).
    const forms = await Promise.all(
      Array.from({ length: VUS }, async (_, i) =>
        new URLSearchParams({
          response_type: 'code',
          scope: 'session_transfer',
          code_challenge: randomBytes(32).toString('base64url'),
          code_challenge_method: 'S256',
          subject_token: await issuer.mint(`user-${i}`),
          target: TARGET,
        }).toString(),
      ),
    );
    for (const side of Object.values(sides)) await load(side, forms, WARMUP);
    // Short alternating slices: a neighbour's burst on a shared machine hits both sides alike.
    const slices = Math.max(1, Math.round(SECONDS / SLICE));
    for (let i = 0; i < slices; i++) {
      for (const name of i % 2 === 0 ? ['waymark', 'baseline'] : ['baseline', 'waymark']) {
        const side = sides[name];
        const { latencies, elapsed } = await load(side, forms, SECONDS / slices);
        side.latencies.push(...latencies);
        side.seconds += elapsed;
      }
    }
  } finally {
    for (const side of Object.values(sides)) {
      side.agent.destroy();
      side.server.stop();
    }
    await issuer.close();
  }
  const figures = (side) => {
    const sorted = Float64Array.from(side.latencies).sort();
    return { rps: sorted.length / side.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), handoffs: sorted.length };
  };
  const waymark = figures(sides.waymark);
  const baseline = figures(sides.baseline);
  return { vus: VUS, seconds: SECONDS, waymark, baseline, ratio: waymark.rps / baseline.rps, jwksFetches: issuer.fetches() };
}

/** The lines `npm run bench` prints. */
export function formatHandoff(h) {
  const row = (label, s) =>
    `  ${label.padEnd(26)} ${s.rps.toFixed(0).padStart(6)} handoffs/s   p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms`;
  return [
    `handoff (PAR + authorize → 303 + session cookie, ${h.vus} virtual users, keep-alive loopback, ${h.seconds} s per side, servers in child processes)`,
    row('hand-written express', h.baseline),
    row('Waymark startServer', h.waymark),
    `  ratio Waymark/hand-written  ${h.ratio.toFixed(2)} (goal ≥ 0.85)`,
  ];
}

if (process.argv[2] === '--serve') await childMain(process.argv[3]);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(formatHandoff(await benchHandoff()).join('\n'));
