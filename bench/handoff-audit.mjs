// Audit benchmark: the cost of the audit trail on the handoff (PAR, then authorize ending in a
// 303 with the session cookie). The same `startServer` (memory stores, the session-transfer
// flow) runs twice in the same run: with the default `audit` setting (every PAR, authorize and
// journey end an audit event kept in the memory audit store, every journey in the journey log)
// and with `"audit": { "store": false, "journeyLog": false }` (no event recorded). Goal: audit
// on ≥ 0.95 × audit off, in throughput and in server CPU per handoff.
//
// Request ids cannot be switched off (every response carries one), so they are in both sides;
// their own cost is measured here too: `assignRequestId` per call, against the server CPU one
// handoff takes (two requests, so two ids).
//
// Run: npm run bench (or node bench/handoff-audit.mjs after npm run build). Same env as
// handoff.mjs: HANDOFF_BENCH_SECONDS, HANDOFF_BENCH_WARMUP, HANDOFF_BENCH_VUS, HANDOFF_BENCH_SLICE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  alternate,
  figures,
  freePort,
  handoffForms,
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
const LIMIT = { max: 1e9, windowSeconds: 60 };

const AUDIT = {
  on: undefined, // the default: store and journey log on
  off: { store: false, journeyLog: false },
};

async function serve(name, setup) {
  const { startServer } = await import('@waymark/cli');
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bench-audit-'));
  writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(setup)));
  const port = await freePort();
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const server = await startServer(
    {
      issuer: `http://127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      flows: [dir],
      parRateLimit: LIMIT,
      journeyStartRateLimit: LIMIT,
      clients: [transferClient()],
      ...(AUDIT[name] ? { audit: AUDIT[name] } : {}),
    },
    // Both sides log nothing: the access log is the same on both and is not what is measured.
    { logger: silent },
  );
  return { url: server.url, close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function childMain(name) {
  process.once('message', async (setup) => {
    try {
      const server = await serve(name, setup);
      process.send({ url: server.url });
      process.on('message', (m) => {
        if (m?.type === 'cpu') {
          const { user, system } = process.cpuUsage();
          process.send({ cpu: user + system });
        }
      });
      process.once('disconnect', () => void server.close().then(() => process.exit(0)));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
      process.exit(1);
    }
  });
}

/** µs per `assignRequestId` on a fresh request (no trusted proxy: a new UUID each time). */
async function requestIdMicros() {
  const { assignRequestId, compileTrustedProxies } = await import('@waymark/http');
  const trusted = compileTrustedProxies([]);
  const socket = new Socket();
  const n = 200_000;
  const reqs = Array.from({ length: 1000 }, () => new IncomingMessage(socket));
  const res = new ServerResponse(reqs[0]);
  for (let i = 0; i < n / 10; i++) assignRequestId(new IncomingMessage(socket), res, trusted);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) assignRequestId(new IncomingMessage(socket), res, trusted);
  const withId = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) void new IncomingMessage(socket);
  const bare = performance.now() - t1;
  return ((withId - bare) * 1000) / n;
}

/** Runs the benchmark; resolves with both sides' figures and the ratios. */
export async function benchHandoffAudit() {
  const issuer = await startTokenIssuer();
  const setup = { tokenIssuer: issuer.issuer, jwksUri: issuer.jwksUri };
  const script = fileURLToPath(import.meta.url);
  const sides = {};
  try {
    const [on, off] = await Promise.all([startChild(script, 'on', setup), startChild(script, 'off', setup)]);
    sides.on = { ...side(on, VUS), cpu: true };
    sides.off = { ...side(off, VUS), cpu: true };
    await alternate(sides, await handoffForms(issuer, VUS), { warmup: WARMUP, seconds: SECONDS, slice: SLICE });
  } finally {
    for (const s of Object.values(sides)) {
      s.agent.destroy();
      await s.server.stop();
    }
    await issuer.close();
  }
  const on = figures(sides.on);
  const off = figures(sides.off);
  const idMicros = await requestIdMicros();
  return {
    vus: VUS,
    seconds: SECONDS,
    on,
    off,
    ratio: on.rps / off.rps,
    cpuRatio: off.cpuPerHandoff / on.cpuPerHandoff,
    requestIdMicros: idMicros,
    requestIdShare: (2 * idMicros) / on.cpuPerHandoff,
  };
}

/** The lines `npm run bench` prints. */
export function formatHandoffAudit(h) {
  return [
    `audit (the handoff with the audit trail on vs off, same server, ${h.vus} virtual users, ${h.seconds} s per side)`,
    row('audit off', h.off),
    row('audit on (store + journey log)', h.on),
    `  ratio on/off                ${h.ratio.toFixed(3)} (goal ≥ 0.95): audit costs ${((1 - h.ratio) * 100).toFixed(1)} % of handoff throughput (goal ≤ 5 %)`,
    `  server CPU per handoff      off ${h.off.cpuPerHandoff.toFixed(0)} µs, on ${h.on.cpuPerHandoff.toFixed(0)} µs: ratio ${h.cpuRatio.toFixed(3)} (off ÷ on, goal ≥ 0.95): audit costs ${((1 / h.cpuRatio - 1) * 100).toFixed(1)} % more CPU per handoff`,
    `  request ids                 ${h.requestIdMicros.toFixed(2)} µs each, 2 per handoff: ${(h.requestIdShare * 100).toFixed(2)} % of its server CPU`,
  ];
}

if (process.argv[2] === '--serve') await childMain(process.argv[3]);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  console.log(formatHandoffAudit(await benchHandoffAudit()).join('\n'));
