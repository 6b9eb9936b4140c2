// The gateway against a minimal hand-written express proxy that does the same JWT check
// (signature, issuer, audience, expiry, against the same cached JWKS) and forwards, in the
// same run, to the same upstream (a small JSON-RPC server answering tools/call). The gateway
// runs a full mcp route: Origin and Accept checks, JSON-RPC parsing, scopes per method and
// tool, a rate limit, token mediation (an API key), the audit event and the metrics.
// Goals: throughput ≥ 0.85× the baseline's; added p50 latency per call ≤ 1 ms unloaded.
//
// Both proxies and the upstream run in one child process (alternating slices A B B A …, so
// drift on a shared machine falls on both alike); this process makes the load.
//
// Run: npm run bench (or node bench/gateway.mjs after npm run build).
// Env: GATEWAY_BENCH_SECONDS (measured seconds per condition, default 4), GATEWAY_BENCH_VUS
//      (concurrent callers for the throughput, default 32), GATEWAY_BENCH_SLICE (default 0.5).
import { createServer, request, Agent } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AUDIENCE, freePort, startChild, startTokenIssuer } from './lib/load.mjs';

const SECONDS = Number(process.env.GATEWAY_BENCH_SECONDS ?? 4);
const VUS = Number(process.env.GATEWAY_BENCH_VUS ?? 32);
const SLICE = Number(process.env.GATEWAY_BENCH_SLICE ?? 0.5);
const AUDIENCE_PATH = '/mcp/bank';
const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_balance', arguments: { account: 'acct-1' } } });

// ---------------------------------------------------------------- server side (child process)

async function serve(setup) {
  const express = (await import('express')).default;
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const { createGateway } = await import('@waymark/gateway');
  const { createAuditor } = await import('@waymark/core');

  // The upstream: answers every JSON-RPC call at once.
  const upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { id } = JSON.parse(body);
      const text = JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'balance: 1200' }] } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  const upstreamPort = await freePort();
  await new Promise((r) => upstream.listen(upstreamPort, '127.0.0.1', r));

  // The baseline: express, the JWT check, forwarding on a keep-alive agent.
  const baselinePort = await freePort();
  const baseUrl = `http://127.0.0.1:${baselinePort}`;
  const jwks = createRemoteJWKSet(new URL(setup.jwksUri));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const app = express();
  app.post(AUDIENCE_PATH, express.raw({ type: 'application/json' }), async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    try {
      await jwtVerify(token ?? '', jwks, { issuer: setup.issuer, audience: AUDIENCE, typ: 'at+jwt' });
    } catch {
      return void res.status(401).json({ error: 'invalid_token' });
    }
    const out = request({ agent, host: '127.0.0.1', port: upstreamPort, method: 'POST', path: '/mcp', headers: { 'content-type': 'application/json', 'content-length': req.body.length } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.status(502).end());
    out.end(req.body);
  });
  const baseline = createServer(app);
  await new Promise((r) => baseline.listen(baselinePort, '127.0.0.1', r));

  // The gateway: one mcp route, everything on.
  const gatewayPort = await freePort();
  const gwUrl = `http://127.0.0.1:${gatewayPort}`;
  const gateway = createGateway(
    {
      publicUrl: gwUrl,
      routes: [
        {
          kind: 'mcp',
          name: 'bank',
          path: AUDIENCE_PATH,
          upstream: `http://127.0.0.1:${upstreamPort}/mcp`,
          token: { issuer: setup.issuer, jwksUri: setup.jwksUri, audience: AUDIENCE },
          methodScopes: { '*': ['openid'] },
          toolScopes: { get_balance: ['profile'] },
          rateLimits: [{ per: 'subject', max: 1e9, windowSeconds: 60 }],
          upstreamAuth: { type: 'api-key', value: 'bench-key' },
        },
      ],
    },
    { audit: createAuditor([() => undefined]) },
  );
  const gw = createServer((req, res) => gateway.handle(req, res));
  await new Promise((r) => gw.listen(gatewayPort, '127.0.0.1', r));
  return { baseline: baseUrl, gateway: gwUrl, upstream: `http://127.0.0.1:${upstreamPort}` };
}

async function childMain() {
  process.once('message', async (setup) => {
    try {
      const urls = await serve(setup);
      process.send({ url: JSON.stringify(urls) });
      process.once('disconnect', () => process.exit(0));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) });
      process.exit(1);
    }
  });
}

// ------------------------------------------------------------------ load side (this process)

function call(agent, url, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

async function run(target, vus, seconds) {
  const latencies = [];
  const stopAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: vus }, async () => {
      while (performance.now() < stopAt) {
        const start = performance.now();
        await call(target.agent, target.url, target.token);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, elapsed: (performance.now() - t0) / 1000 };
}

function summary(latencies, seconds) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: sorted[Math.floor(sorted.length * 0.5)] ?? NaN };
}

/** Runs the benchmark: loaded throughput and unloaded p50 of each side, and their comparison. */
export async function benchGateway() {
  const issuer = await startTokenIssuer();
  const child = await startChild(fileURLToPath(import.meta.url), 'gateway', { issuer: issuer.issuer, jwksUri: issuer.jwksUri });
  const urls = JSON.parse(child.url);
  const token = await issuer.mint('bench-user');
  const side = (url, vus) => ({ url, token, agent: new Agent({ keepAlive: true, maxSockets: vus }) });
  const result = {};
  try {
    for (const [mode, vus] of [['loaded', VUS], ['unloaded', 1]]) {
      const gw = { ...side(`${urls.gateway}${AUDIENCE_PATH}`, vus), latencies: [], seconds: 0 };
      const bl = { ...side(`${urls.baseline}${AUDIENCE_PATH}`, vus), latencies: [], seconds: 0 };
      // Warm up both (JWKS fetched, connections open, JIT warm).
      await run(gw, vus, 1);
      await run(bl, vus, 1);
      const slices = Math.max(1, Math.round(SECONDS / SLICE));
      for (let i = 0; i < slices; i++)
        for (const s of i % 2 === 0 ? [bl, gw] : [gw, bl]) {
          const { latencies, elapsed } = await run(s, vus, SECONDS / slices);
          s.latencies.push(...latencies);
          s.seconds += elapsed;
        }
      gw.agent.destroy();
      bl.agent.destroy();
      result[mode] = { vus, gateway: summary(gw.latencies, gw.seconds), baseline: summary(bl.latencies, bl.seconds) };
    }
  } finally {
    await child.stop();
    await issuer.close();
  }
  return {
    seconds: SECONDS,
    ...result,
    throughputRatio: result.loaded.gateway.rps / result.loaded.baseline.rps,
    addedP50: result.unloaded.gateway.p50 - result.unloaded.baseline.p50,
  };
}

/** The lines `npm run bench` prints. */
export function formatGateway(r) {
  const line = (label, f) => `  ${label.padEnd(40)} ${f.rps.toFixed(0).padStart(6)} calls/s   p50 ${f.p50.toFixed(3)} ms`;
  return [
    `gateway: an mcp tools/call through @waymark/gateway vs a minimal express proxy (same JWT check, same upstream), ${r.seconds} s per condition`,
    line(`baseline, ${r.loaded.vus} concurrent callers`, r.loaded.baseline),
    line(`gateway, ${r.loaded.vus} concurrent callers`, r.loaded.gateway),
    line('baseline, one caller (unloaded)', r.unloaded.baseline),
    line('gateway, one caller (unloaded)', r.unloaded.gateway),
    `  throughput ratio gateway/baseline        ${r.throughputRatio.toFixed(2)} (goal ≥ 0.85)`,
    `  added p50 latency per call, unloaded     ${r.addedP50.toFixed(3)} ms (goal ≤ 1 ms)`,
  ];
}

if (process.argv[2] === '--serve') await childMain();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(formatGateway(await benchGateway()).join('\n'));
