import { createEngine, createMemoryStores } from '@waymark/core';
import { callbacks, defineNode, type JsonObject, type RequestInfo } from '@waymark/sdk';

/**
 * Engine benchmark: engine overhead per step next to a plain async loop doing the same node
 * work, measured in the same run (machines are shared and noisy: compare, don't trust absolute
 * numbers). Used by `waymark bench` and `npm run bench`.
 */
export interface EngineBenchResult {
  rounds: number;
  journeys: number;
  plainUsPerStep: number;
  linearUsPerStep: number;
  linearOverheadUsPerStep: number;
  suspendingUsPerJourney: number;
  suspendingOverheadUsPerStep: number;
  suspendedJourneyBytes: number;
}

const STEPS = 10;

// The node work both sides do: read state, write state, answer asynchronously.
async function work(state: JsonObject): Promise<string> {
  state.n = (typeof state.n === 'number' ? state.n : 0) + 1;
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

function flow(id: string, suspendAt: number) {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < STEPS; i++) {
    nodes[`n${i}`] = { type: i === suspendAt ? 'bench.pause' : 'bench.step', outcomes: { next: i === STEPS - 1 ? 'success' : `n${i + 1}` } };
  }
  return { id, version: 1, description: 'Benchmark flow.', start: 'n0', nodes };
}

const request: RequestInfo = Object.freeze({ ip: '127.0.0.1', headers: Object.freeze({}), cookies: Object.freeze({}), userAgent: 'bench' });

// Baseline: the same ten units of work in a plain loop over a transition table.
const table: Record<string, Record<string, string>> = Object.fromEntries(
  Array.from({ length: STEPS }, (_, i) => [`n${i}`, { next: i === STEPS - 1 ? 'success' : `n${i + 1}` }]),
);
async function plainJourney(): Promise<void> {
  const state: JsonObject = {};
  let node = 'n0';
  while (node !== 'success') node = table[node]![await work(state)]!;
}

async function time(fn: () => Promise<unknown>, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n; // µs per journey
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export async function benchEngine(options: { rounds?: number; journeys?: number } = {}): Promise<EngineBenchResult> {
  const rounds = options.rounds ?? 7;
  const journeys = options.journeys ?? 20_000;
  const stores = createMemoryStores();
  const engine = await createEngine({ nodes: [step, pause], stores, secretKeys: [Buffer.alloc(32, 1).toString('base64url')] });
  engine.load(flow('linear', -1));
  engine.load(flow('suspending', 5));
  const linear = () => engine.start('linear', { request });
  const suspending = async () => {
    const s = await engine.start('suspending', { request });
    if (s.status !== 'suspended') throw new Error('bench flow did not suspend');
    const cb = s.callbacks[0]!;
    return engine.resume(s.journeyId, { request, callbacks: [{ ...cb, input: [{ name: cb.input[0]!.name, value: 'ada' }] }] });
  };
  // Warm up every path so the JIT has seen them.
  await time(plainJourney, Math.min(journeys, 20_000));
  await time(linear, Math.min(journeys, 20_000));
  await time(suspending, Math.min(journeys, 5_000));
  const base: number[] = [];
  const lin: number[] = [];
  const sus: number[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(await time(plainJourney, journeys));
    lin.push(await time(linear, journeys));
    sus.push(await time(suspending, Math.max(1, Math.floor(journeys / 4))));
  }
  const b = median(base);
  const l = median(lin);
  const s = median(sus);
  const suspended = await engine.start('suspending', { request });
  const stored = await stores.journeys.get(suspended.journeyId);
  return {
    rounds,
    journeys,
    plainUsPerStep: b / STEPS,
    linearUsPerStep: l / STEPS,
    linearOverheadUsPerStep: (l - b) / STEPS,
    suspendingUsPerJourney: s,
    suspendingOverheadUsPerStep: (s - b) / STEPS,
    suspendedJourneyBytes: Buffer.byteLength(stored?.value ?? ''),
  };
}

/** The lines `waymark bench` and `npm run bench` print. */
export function formatEngineBench(r: EngineBenchResult): string {
  return [
    `engine (10-node flows, in process, median of ${r.rounds} rounds × ${r.journeys} journeys)`,
    `  plain async loop            ${r.plainUsPerStep.toFixed(2)} µs/step`,
    `  engine, linear              ${r.linearUsPerStep.toFixed(2)} µs/step   overhead ${r.linearOverheadUsPerStep.toFixed(2)} µs/step (goal ≤ 2)`,
    `  engine, one suspension      ${r.suspendingUsPerJourney.toFixed(1)} µs/journey   overhead ${r.suspendingOverheadUsPerStep.toFixed(2)} µs/step incl. persist + resume`,
    `  persisted suspended journey ${r.suspendedJourneyBytes} bytes`,
    '',
  ].join('\n');
}
