import { describe, expect, it } from '@jest/globals';
import { createEngine } from '@waymark/core';
import { getInitialSnapshot, getNextSnapshot } from 'xstate';
import { testNodes } from './helpers.js';

const flows = [
  {
    id: 'branchy',
    version: 1,
    description: 'Branches, joins and loops back once.',
    start: 'a',
    nodes: {
      a: { type: 'test.check', outcomes: { valid: 'b', invalid: 'c' } },
      b: { type: 'test.pass', outcomes: { next: 'd' } },
      c: { type: 'test.check', outcomes: { valid: 'd', invalid: 'a', error: 'failure' } },
      d: { type: 'test.check', outcomes: { valid: 'success', invalid: 'failure' } },
    },
  },
];

describe('compiler: the transition table equals the xstate machine', () => {
  it('walks every path of the flow through both and lands on the same state each step', async () => {
    const engine = await createEngine({ nodes: testNodes });
    for (const f of flows) {
      const compiled = engine.load(f);
      const initial = getInitialSnapshot(compiled.machine);
      expect(initial.value).toBe(compiled.start);
      // Depth-first over (state, outcome) pairs, bounded by path length so loops terminate.
      let walked = 0;
      const walk = (snapshot: typeof initial, node: string, depth: number): void => {
        if (depth > 8 || node === 'success' || node === 'failure') return;
        for (const [outcome, target] of Object.entries(compiled.table[node]!)) {
          const next = getNextSnapshot(compiled.machine, snapshot, { type: outcome });
          expect(next.value).toBe(target);
          expect(target).toBe(f.nodes[node as keyof typeof f.nodes].outcomes[outcome as never]);
          walked++;
          walk(next, target, depth + 1);
        }
      };
      walk(initial, compiled.start, 0);
      expect(walked).toBeGreaterThan(10);
      // Terminals are final states in the machine.
      const final = getNextSnapshot(compiled.machine, getNextSnapshot(compiled.machine, getNextSnapshot(compiled.machine, initial, { type: 'valid' }), { type: 'next' }), {
        type: 'valid',
      });
      expect(final.status).toBe('done');
    }
  });

  it('keeps one compiled flow per version and reuses it for every journey', async () => {
    const engine = await createEngine({ nodes: testNodes });
    const compiled = engine.load(flows[0]);
    expect(engine.flow('branchy', 1)).toBe(compiled);
    expect(engine.flow('branchy')).toBe(compiled);
  });
});
