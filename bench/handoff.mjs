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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  alternate,
  AUDIENCE,
  CLIENT as CLIENT_ID,
  figures,
  freePort,
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

// One session-transfer client on one address. Its PAR and journey-start limits stay on (every
// handoff pays for them) with budgets no benchmark reaches: `parRateLimit` and
// `journeyStartRateLimit` in the serve config.
const PAR_RATE_LIMIT = { max: 1e9, windowSeconds: 60 };
const JOURNEY_START_RATE_LIMIT = { max: 1e9, windowSeconds: 60 };

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
    journeyStartRateLimit: JOURNEY_START_RATE_LIMIT,
    clients: [transferClient()],
  });
  return { url: server.url, close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })) };
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
    allowedScopes: transferClient().allowed_scopes,
  });
}

async function childMain(side) {
  process.once('message', async (setup) => {
    try {
      const server = await (side === 'waymark' ? serveWaymark(setup) : serveBaseline(setup));
      process.send({ url: server.url });
      // The server process's CPU time (main thread and crypto threads), for CPU per handoff.
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

// ------------------------------------------------------------------ load side (this process)

/** Runs the benchmark; resolves with per-side figures and the ratio. */
export async function benchHandoff() {
  const issuer = await startTokenIssuer();
  const setup = { tokenIssuer: issuer.issuer, jwksUri: issuer.jwksUri };
  const script = fileURLToPath(import.meta.url);
  const sides = {};
  try {
    const [waymark, baseline] = await Promise.all([startChild(script, 'waymark', setup), startChild(script, 'baseline', setup)]);
    sides.waymark = { ...side(waymark, VUS), cpu: true };
    sides.baseline = { ...side(baseline, VUS), cpu: true };
    // One token and one PKCE challenge per virtual user.
    await alternate(sides, await handoffForms(issuer, VUS), { warmup: WARMUP, seconds: SECONDS, slice: SLICE });
  } finally {
    for (const s of Object.values(sides)) {
      s.agent.destroy();
      await s.server.stop();
    }
    await issuer.close();
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
    jwksFetches: issuer.fetches(),
  };
}

/** The lines `npm run bench` prints. */
export function formatHandoff(h) {
  return [
    `handoff (PAR + authorize → 303 + session cookie, ${h.vus} virtual users, keep-alive loopback, ${h.seconds} s per side, servers in child processes)`,
    row('hand-written express', h.baseline),
    row('Waymark startServer', h.waymark),
    `  ratio Waymark/hand-written  ${h.ratio.toFixed(2)} (goal ≥ 0.85)`,
    `  server CPU per handoff      hand-written ${h.baseline.cpuPerHandoff.toFixed(0)} µs, Waymark ${h.waymark.cpuPerHandoff.toFixed(0)} µs: ratio ${h.cpuRatio.toFixed(2)} (same direction as above: hand-written ÷ Waymark)`,
  ];
}

if (process.argv[2] === '--serve') await childMain(process.argv[3]);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(formatHandoff(await benchHandoff()).join('\n'));
