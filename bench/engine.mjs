// Engine benchmark: engine overhead per step versus a plain async loop doing the same node
// work, measured in the same run (machines here are shared and noisy: compare, don't trust
// absolute numbers). Run: npm run bench (or node bench/engine.mjs after npm run build).
import { createEngine, createMemoryStores } from '@waymark/core';
import { callbacks, defineNode } from '@waymark/sdk';

const STEPS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? 20_000);

// The node work both sides do: read state, write state, answer asynchronously.
async function work(state) {
  state.n = (state.n ?? 0) + 1;
  return 'next';
}

const step = defineNode({
  type: 'bench.step',
  version: 1,
  description: 'One unit of node work.',
  outcomes: ['next'],
  run: (ctx) => work(ctx.state),
});
const pause = defineNode({
  type: 'bench.pause',
  version: 1,
  description: 'Suspends once with one callback, then continues.',
  outcomes: ['next'],
  run: (ctx) => (ctx.callbacks ? work(ctx.state) : ctx.suspend([callbacks.name('Name')])),
});

function flow(id, suspendAt) {
  const nodes = {};
  for (let i = 0; i < STEPS; i++) {
    nodes[`n${i}`] = { type: i === suspendAt ? 'bench.pause' : 'bench.step', outcomes: { next: i === STEPS - 1 ? 'success' : `n${i + 1}` } };
  }
  return { id, version: 1, description: 'Benchmark flow.', start: 'n0', nodes };
}

const request = Object.freeze({ ip: '127.0.0.1', headers: Object.freeze({}), cookies: Object.freeze({}), userAgent: 'bench' });

// Baseline: the same ten units of work in a plain loop over a transition table.
const table = Object.fromEntries(Array.from({ length: STEPS }, (_, i) => [`n${i}`, { next: i === STEPS - 1 ? 'success' : `n${i + 1}` }]));
async function plainJourney() {
  const state = {};
  let node = 'n0';
  while (node !== 'success') node = table[node][await work(state)];
  return state;
}

async function time(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n; // µs per journey
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchEngine() {
  const stores = createMemoryStores();
  const engine = await createEngine({ nodes: [step, pause], stores, secretKeys: [Buffer.alloc(32, 1).toString('base64url')] });
  engine.load(flow('linear', -1));
  engine.load(flow('suspending', 5));
  const linear = () => engine.start('linear', { request });
  const suspending = async () => {
    const s = await engine.start('suspending', { request });
    const cb = s.callbacks;
    return engine.resume(s.journeyId, { request, callbacks: [{ ...cb[0], input: [{ name: 'IDToken1', value: 'ada' }] }] });
  };
  // Warm up every path so the JIT has seen them.
  await time(plainJourney, 20_000);
  await time(linear, 20_000);
  await time(suspending, 5_000);
  const base = [], lin = [], sus = [];
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await time(plainJourney, JOURNEYS));
    lin.push(await time(linear, JOURNEYS));
    sus.push(await time(suspending, JOURNEYS / 4));
  }
  const b = median(base), l = median(lin), s = median(sus);
  const suspended = await engine.start('suspending', { request });
  const size = Buffer.byteLength((await stores.journeys.get(suspended.journeyId)).value);
  return {
    plainUsPerStep: b / STEPS,
    linearUsPerStep: l / STEPS,
    linearOverheadUsPerStep: (l - b) / STEPS,
    suspendingUsPerJourney: s,
    suspendingOverheadUsPerStep: (s - b) / STEPS,
    suspendedJourneyBytes: size,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchEngine();
  console.log('engine benchmark (10-node flows, median of %d rounds × %d journeys, in-process)', ROUNDS, JOURNEYS);
  console.log('  plain async loop           %s µs/step', r.plainUsPerStep.toFixed(2));
  console.log('  engine, linear             %s µs/step  → overhead %s µs/step (goal ≤ 2)', r.linearUsPerStep.toFixed(2), r.linearOverheadUsPerStep.toFixed(2));
  console.log('  engine, one suspension     %s µs/journey → overhead %s µs/step incl. persist+resume', r.suspendingUsPerJourney.toFixed(1), r.suspendingOverheadUsPerStep.toFixed(2));
  console.log('  persisted suspended journey %d bytes', r.suspendedJourneyBytes);
}
