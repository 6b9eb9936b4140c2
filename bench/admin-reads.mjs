// Admin reads under load: the handoff's p99 latency against one `startServer` (memory stores,
// the session-transfer flow, the admin API on), measured with and without a concurrent stream
// of admin API reads (flows, a flow's active version, clients, node types, audit events,
// journeys: each with its bearer token checked), in the same run. Goal: the reads move the
// handoff's p99 by at most 10 % (ratio ≤ 1.10).
//
// The server runs in a child process (its own core on a two-core machine); this process makes
// both loads. The two conditions are measured in short alternating slices (A B B A A B …), so
// drift on a shared machine falls on both alike.
//
// Run: npm run bench (or node bench/admin-reads.mjs after npm run build).
// Env: ADMIN_BENCH_SECONDS (measured seconds per condition, default 5), ADMIN_BENCH_WARMUP
//      (default 2), ADMIN_BENCH_VUS (handoff virtual users, default 32), ADMIN_BENCH_RPS (admin
//      reads per second, default 50: a busy console and a CI job polling together),
//      ADMIN_BENCH_SLICE (seconds per slice, default 0.5).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  exchange,
  figures,
  freePort,
  handoffForms,
  load,
  sessionTransferFlow,
  side,
  startChild,
  startTokenIssuer,
  transferClient,
} from './lib/load.mjs';

const SECONDS = Number(process.env.ADMIN_BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.ADMIN_BENCH_WARMUP ?? 2);
const VUS = Number(process.env.ADMIN_BENCH_VUS ?? 32);
const RPS = Number(process.env.ADMIN_BENCH_RPS ?? 50);
const SLICE = Number(process.env.ADMIN_BENCH_SLICE ?? 0.5);
const LIMIT = { max: 1e9, windowSeconds: 60 };
const READS = [
  '/admin/v1/flows',
  '/admin/v1/flows/session-transfer/versions/active',
  '/admin/v1/clients',
  '/admin/v1/node-types',
  '/admin/v1/audit-events?limit=50',
  '/admin/v1/journeys?limit=50',
];

// ---------------------------------------------------------------- server side (child process)

async function serve(setup) {
  const { startServer } = await import('@waymark/cli');
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-admin-'));
  writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(setup)));
  const port = await freePort();
  const server = await startServer(
    {
      issuer: `http://127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      flows: [dir],
      parRateLimit: LIMIT,
      journeyStartRateLimit: LIMIT,
      clients: [transferClient()],
      admin: { issuers: [{ issuer: setup.adminIssuer, jwksUri: setup.adminJwksUri }], rateLimit: false },
    },
    { env: {} },
  );
  return { url: server.url, close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function childMain() {
  process.once('message', async (setup) => {
    try {
      const server = await serve(setup);
      process.send({ url: server.url });
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
      process.exit(1);
    }
  });
}

// ------------------------------------------------------------------ load side (this process)

/** The issuer of admin tokens: a JWKS on loopback and an ES256 key. */
async function startAdminIssuer() {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const mint = (audience) =>
    new SignJWT({ client_id: 'admin-console', scope: 'waymark:admin:read' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('bench-admin')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  return { issuer, jwksUri: `${issuer}/jwks`, mint, close: () => new Promise((r) => server.close(r)) };
}

/** Admin reads at `rps` a second, round-robin over the routes, until `stop()`; counts answers. */
function adminReads(s, token, rps) {
  let stopped = false;
  let count = 0;
  const inFlight = new Set();
  const timer = setInterval(() => {
    if (stopped) return;
    // One tick per 10 ms: rps / 100 reads each (the remainder carried), so the stream is smooth.
    carry += rps / 100;
    for (; carry >= 1; carry--) {
      const path = READS[count++ % READS.length];
      const p = exchangeAuthorized(s, path, token).then((res) => {
        if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
      });
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
  }, 10);
  let carry = 0;
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
      return count;
    },
  };
}

function exchangeAuthorized(s, path, token) {
  return exchange(s.adminAgent, s.base, 'GET', path, undefined, { authorization: `Bearer ${token}` });
}

/** Runs the benchmark; resolves with the handoff's figures without and with admin reads, and their p99 ratio. */
export async function benchAdminReads() {
  const issuer = await startTokenIssuer();
  const admin = await startAdminIssuer();
  const setup = { tokenIssuer: issuer.issuer, jwksUri: issuer.jwksUri, adminIssuer: admin.issuer, adminJwksUri: admin.jwksUri };
  const server = await startChild(fileURLToPath(import.meta.url), 'waymark', setup);
  const alone = side(server, VUS);
  const withAdmin = { ...side(server, VUS), adminAgent: side(server, 8).agent };
  const token = await admin.mint(`${server.url}/admin`);
  let reads = 0;
  let readSeconds = 0;
  try {
    const forms = await handoffForms(issuer, VUS);
    const measure = async (s, seconds, record) => {
      const stream = s === withAdmin ? adminReads(s, token, RPS) : undefined;
      const { latencies, elapsed } = await load(s, forms, seconds);
      const count = stream ? await stream.stop() : 0;
      if (!record) return;
      s.latencies.push(...latencies);
      s.seconds += elapsed;
      if (stream) {
        reads += count;
        readSeconds += elapsed;
      }
    };
    await measure(alone, WARMUP, false);
    await measure(withAdmin, WARMUP, false);
    const slices = Math.max(1, Math.round(SECONDS / SLICE));
    for (let i = 0; i < slices; i++)
      for (const s of i % 2 === 0 ? [alone, withAdmin] : [withAdmin, alone]) await measure(s, SECONDS / slices, true);
  } finally {
    alone.agent.destroy();
    withAdmin.agent.destroy();
    withAdmin.adminAgent.destroy();
    await server.stop();
    await issuer.close();
    await admin.close();
  }
  const a = figures(alone);
  const b = figures(withAdmin);
  return { vus: VUS, seconds: SECONDS, rps: RPS, alone: a, withAdmin: b, adminReadsPerSecond: reads / readSeconds, ratio: b.p99 / a.p99 };
}

/** The lines `npm run bench` prints. */
export function formatAdminReads(r) {
  const line = (label, f) =>
    `  ${label.padEnd(34)} ${f.rps.toFixed(0).padStart(6)} handoffs/s   p50 ${f.p50.toFixed(2)} ms   p99 ${f.p99.toFixed(2)} ms`;
  return [
    `admin reads under load (handoffs by ${r.vus} virtual users, ${r.seconds} s per condition, with ${r.adminReadsPerSecond.toFixed(0)} admin reads/s in the second)`,
    line('handoff alone', r.alone),
    line('handoff + admin reads', r.withAdmin),
    `  p99 ratio with/without admin reads  ${r.ratio.toFixed(2)} (goal ≤ 1.10)`,
  ];
}

if (process.argv[2] === '--serve') await childMain();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(formatAdminReads(await benchAdminReads()).join('\n'));
