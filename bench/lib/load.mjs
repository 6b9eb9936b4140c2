// The handoff load generator, shared by the handoff benchmarks (bench/handoff.mjs and
// bench/handoff-redis.mjs): a token
// issuer on loopback, one complete handoff (PAR, then authorize ending in 303 + session
// cookie), virtual users doing handoffs back to back, and the alternating-slices schedule that
// keeps a shared machine's drift on both sides alike.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const CLIENT = 'session-transfer';
export const NATIVE_APP = 'mobile-app';
export const TARGET = 'http://localhost:4000/profile';
export const AUDIENCE = 'https://waymark.bench/session-transfer';
export const COOKIE = '__Host-waymark-session=';

/** The session-transfer client both servers register. */
export const transferClient = () => ({
  client_id: CLIENT,
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  allowed_flows: ['session-transfer'],
  redirect_targets: ['http://localhost:4000/'],
  allowed_pushed_parameters: ['subject_token', 'target'],
  allowed_scopes: ['session_transfer'],
});

/** The shipped flow's shape (flows/session-transfer.json), with this run's token issuer. */
export function sessionTransferFlow({ tokenIssuer, jwksUri }) {
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
      matchIp: { type: 'ip.match', config: { against: 'par' }, outcomes: { match: 'toTarget', mismatch: 'failure' } },
      toTarget: {
        type: 'redirect',
        config: { from: { pushed: 'target' }, allowLoopbackHttp: true },
        outcomes: { redirected: 'createSession', rejected: 'failure' },
      },
      createSession: { type: 'session.create', outcomes: { created: 'success', conflict: 'failure' } },
    },
  };
}

/** A free port on 127.0.0.1 (listen on 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The authorization server that issued the app's tokens: a JWKS on loopback and an ES256 key. */
export async function startTokenIssuer() {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((_req, res) => {
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

/** One PAR body per virtual user (a token and a PKCE challenge each: servers only check them). */
export function handoffForms(issuer, count) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) =>
      new URLSearchParams({
        client_id: CLIENT,
        response_type: 'code',
        scope: 'session_transfer',
        code_challenge: randomBytes(32).toString('base64url'),
        code_challenge_method: 'S256',
        subject_token: await issuer.mint(`user-${i}`),
        target: TARGET,
      }).toString(),
    ),
  );
}

/**
 * Forks `script --serve <side>` with IPC, sends it `setup`, resolves once it answers `{ url }`.
 * `request(message)` sends a message and resolves with the child's next answer (for figures
 * only the child can read, such as its stores' round-trip counter).
 */
export function startChild(script, side, setup) {
  // HANDOFF_BENCH_PROFILE=<dir> writes a CPU profile of each server child there.
  const profile = process.env.HANDOFF_BENCH_PROFILE;
  const execArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = fork(script, ['--serve', side], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv });
  return new Promise((resolve, reject) => {
    child.once('message', (m) =>
      m.url
        ? resolve({
            url: m.url,
            request: (message) =>
              new Promise((answer) => {
                child.once('message', answer);
                child.send(message);
              }),
            stop: () =>
              new Promise((done) => {
                if (!child.connected) return done();
                child.once('exit', () => done());
                child.disconnect();
              }),
          })
        : reject(new Error(`${side} did not start:\n${m.error}`)),
    );
    child.once('exit', (code) => reject(new Error(`${side} server exited with ${code}`)));
    child.send(setup);
  });
}

/** One HTTP exchange over the keep-alive agent; resolves with status, headers and body text. */
export function exchange(agent, base, method, path, body, extraHeaders) {
  return new Promise((resolve, reject) => {
    const headers = {
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }),
      ...extraHeaders,
    };
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
export async function handoff(agent, base, form) {
  const par = await exchange(agent, base, 'POST', '/par', form);
  if (par.status !== 201) throw new Error(`PAR answered ${par.status}: ${par.body.slice(0, 200)}`);
  const { request_uri: requestUri } = JSON.parse(par.body);
  const auth = await exchange(agent, base, 'GET', `/authorize?client_id=${CLIENT}&request_uri=${encodeURIComponent(requestUri)}`);
  const cookies = auth.headers['set-cookie'] ?? [];
  if (auth.status !== 303 || auth.headers.location !== TARGET || !cookies.some((c) => c.startsWith(COOKIE)))
    throw new Error(`authorize answered ${auth.status} (location ${auth.headers.location ?? 'none'}): ${auth.body.slice(0, 200)}`);
}

/** A side of the comparison: a started server and its keep-alive agent. */
export function side(server, vus) {
  return { server, base: new URL(server.url), agent: new Agent({ keepAlive: true, maxSockets: vus }), latencies: [], seconds: 0 };
}

/** One virtual user per form, each doing handoffs back to back for `seconds`; returns latencies in ms. */
export async function load(s, forms, seconds) {
  const latencies = [];
  const stopAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    forms.map(async (form) => {
      while (performance.now() < stopAt) {
        const start = performance.now();
        await handoff(s.agent, s.base, form);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, elapsed: (performance.now() - t0) / 1000 };
}

/**
 * Warms each side up, then measures them one after the other in short slices of alternating
 * order (A B B A A B …), so a neighbour's burst on a shared machine hits both sides alike.
 */
export async function alternate(sides, forms, { warmup, seconds, slice }) {
  for (const s of Object.values(sides)) await load(s, forms, warmup);
  const names = Object.keys(sides);
  const slices = Math.max(1, Math.round(seconds / slice));
  for (let i = 0; i < slices; i++) {
    for (const name of i % 2 === 0 ? names : [...names].reverse()) {
      const s = sides[name];
      // A side whose server child reports its CPU time ({ type: 'cpu' } → { cpu: µs }) is also
      // measured in server CPU per handoff: steadier than throughput on a shared machine.
      const before = s.cpu ? (await s.server.request({ type: 'cpu' })).cpu : 0;
      const { latencies, elapsed } = await load(s, forms, seconds / slices);
      if (s.cpu) s.cpuMicros = (s.cpuMicros ?? 0) + (await s.server.request({ type: 'cpu' })).cpu - before;
      s.latencies.push(...latencies);
      s.seconds += elapsed;
    }
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Handoffs per second, p50 and p99 latency of a measured side (and server CPU µs per handoff when measured). */
export function figures(s) {
  const sorted = Float64Array.from(s.latencies).sort();
  const out = { rps: sorted.length / s.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), handoffs: sorted.length };
  if (s.cpuMicros !== undefined) out.cpuPerHandoff = s.cpuMicros / sorted.length;
  return out;
}

/** One printed row: `label  N handoffs/s  p50 … p99 …`. */
export function row(label, s) {
  return `  ${label.padEnd(30)} ${s.rps.toFixed(0).padStart(6)} handoffs/s   p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms`;
}
