import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { WaymarkError } from '@waymark/sdk';
import { importAic, importDavinci, type ImportFile } from '../src/index.js';
import { FIXTURES, file } from './helpers.js';

/** mulberry32: a small seeded generator, so a failure replays with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x',
  '&{esv.a}',
  true,
  [],
  {},
  [null],
  { _id: 1 },
  '70e691a5-1e33-4ac3-a356-e7b6d60d92e0',
  'e301438c-0bd0-429c-ab0c-66126501069a',
];

/** Every container and key of a JSON value, for structural mutations. */
function slots(value: unknown, out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [], depth = 0): typeof out {
  if (depth > 12 || value === null || typeof value !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    out.push({ parent: value as Record<string, unknown>, key });
    slots(v, out, depth + 1);
  }
  return out;
}

export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const kind = Math.floor(rnd() * 6);
  if (kind === 0) return text.slice(0, Math.floor(rnd() * text.length));
  if (kind === 1) {
    const i = Math.floor(rnd() * text.length);
    return text.slice(0, i) + pick(['{', '}', '"', ',', ':', '[', 'x', '\\']) + text.slice(i + 1);
  }
  const doc = JSON.parse(text) as unknown;
  const all = slots(doc);
  for (let n = 0; n < 1 + Math.floor(rnd() * 4) && all.length > 0; n++) {
    const slot = pick(all);
    const parent = slot.parent as Record<string | number, unknown>;
    if (kind === 2) parent[slot.key] = pick(VALUES);
    else if (kind === 3 && !Array.isArray(parent)) delete parent[slot.key];
    else if (kind === 4)
      parent[slot.key] = pick(all).parent; // a subtree moved elsewhere (may nest, never a cycle after stringify)
    else
      parent[slot.key] =
        typeof parent[slot.key] === 'string' ? `${String(parent[slot.key])} ${pick(['x', 'Script Error', '-outcome'])}` : pick(VALUES);
  }
  try {
    return JSON.stringify(doc);
  } catch {
    return text.slice(1);
  }
}

/** Whether a thrown value is one of the importer's coded errors (anything else is a crash). */
const coded = (error: unknown) => error instanceof WaymarkError && /^ERR_IMPORT_/.test(error.code);

describe('the importers, fuzzed with mutated exports (seeded, bounded)', () => {
  const aic = ['Login.journey.json', 'Registration.journey.json', 'PersistentCookie.journey.json'].map((f) =>
    file(join(FIXTURES, 'aic', f)),
  );
  const dv = ['full-basic.json', 'sign-on.json', 'multiple-flows.json'].map((f) => file(join(FIXTURES, 'davinci', f)));

  it.each([
    ['aic', aic, (f: ImportFile) => importAic([f])],
    ['davinci', dv, (f: ImportFile) => importDavinci(f)],
  ] as const)('%s: 600 mutations never crash — a result or a coded ERR_IMPORT_ error', (_name, sources, run) => {
    const crashes: string[] = [];
    const seen = { results: 0, errors: new Set<string>() };
    for (let seed = 1; seed <= 600; seed++) {
      const rnd = random(seed);
      const source = sources[seed % sources.length]!;
      const text = mutate(source.text, rnd);
      try {
        const { flows, report } = run({ path: source.path, text });
        // A result is whole: every flow has its nodes and start, the report its stats.
        for (const f of flows) expect(f.nodes[f.start]).toBeDefined();
        expect(report.stats.total).toBeGreaterThanOrEqual(0);
        seen.results++;
      } catch (error) {
        if (coded(error)) seen.errors.add((error as WaymarkError).code);
        else
          crashes.push(
            `seed ${seed} (${source.path}): ${error instanceof Error ? error.stack?.split('\n').slice(0, 3).join(' ') : String(error)}`,
          );
      }
    }
    expect(crashes).toEqual([]);
    // The mutations reach both ends: imports that succeed and several kinds of refusal.
    expect(seen.results).toBeGreaterThan(50);
    expect(seen.errors.size).toBeGreaterThanOrEqual(2);
  });
});
