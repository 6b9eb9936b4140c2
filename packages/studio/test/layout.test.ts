import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { layeredLayout, placeInOrder, type LayoutEdge, type LayoutNode } from '../app/layout.js';

/* The canvas's layered layout (app/layout.ts, bundled into the page): where it puts nodes. The page itself is tested in Chromium. */

const ROOT = new URL('../../../', import.meta.url).pathname;
const CARD = { width: 220, height: 96 };
const OPTIONS = { nodesep: 40, ranksep: 70 };

interface FlowFile {
  start: string;
  nodes: Record<string, { outcomes?: Record<string, string> }>;
}
function graphOf(flow: FlowFile): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const nodes = [...Object.keys(flow.nodes), 'success', 'failure'].map((id) => ({ id, ...CARD }));
  const edges = Object.entries(flow.nodes).flatMap(([id, n]) => Object.values(n.outcomes ?? {}).map((target) => ({ source: id, target })));
  return { nodes, edges };
}

/** Two boxes overlap (a gap of less than `margin` counts). */
const overlap = (a: { x: number; y: number }, b: { x: number; y: number }, margin = 0) =>
  a.x < b.x + CARD.width + margin && b.x < a.x + CARD.width + margin && a.y < b.y + CARD.height && b.y < a.y + CARD.height;

describe('layeredLayout', () => {
  it('places every node of every shipped flow, none on another, every forward edge pointing down, the start on top', () => {
    for (const name of ['login', 'password-login', 'remember-me', 'session-transfer', 'transactional-stepup', 'transactional-stepup-password']) {
      const flow = JSON.parse(readFileSync(join(ROOT, 'flows', `${name}.json`), 'utf8')) as FlowFile;
      const { nodes, edges } = graphOf(flow);
      const at = layeredLayout(nodes, edges, { ...OPTIONS, start: flow.start });
      expect([...at.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
      const all = [...at.values()];
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlap(all[i]!, all[j]!, OPTIONS.nodesep - 1)).toBe(false);
      expect(Math.min(...all.map((p) => p.x))).toBe(0);
      expect(at.get(flow.start)!.y).toBe(0);
      // Every edge goes down at least one rank, but login's retry loop (invalid credentials: ask again), which goes up.
      for (const e of edges) {
        const [from, to] = [at.get(e.source)!.y, at.get(e.target)!.y];
        if (name === 'login' && e.source === 'verifyCredentials' && e.target === 'askCredentials') expect(to).toBeLessThan(from);
        else expect(to).toBeGreaterThanOrEqual(from + CARD.height + OPTIONS.ranksep);
      }
    }
  });

  it('breaks a retry loop instead of failing: the loop back edge points up, the rest down', () => {
    const nodes = ['ask', 'verify', 'done'].map((id) => ({ id, ...CARD }));
    const edges = [
      { source: 'ask', target: 'verify' },
      { source: 'verify', target: 'ask' },
      { source: 'verify', target: 'done' },
    ];
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 'ask' });
    expect(at.get('ask')!.y).toBeLessThan(at.get('verify')!.y);
    expect(at.get('verify')!.y).toBeLessThan(at.get('done')!.y);
  });

  it('draws a tree without crossings: children in the order of their parent\'s outcomes, the parent centred over them', () => {
    const nodes = ['root', 'a', 'b', 'c'].map((id) => ({ id, ...CARD }));
    const edges = ['a', 'b', 'c'].map((target) => ({ source: 'root', target }));
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 'root' });
    expect(at.get('a')!.x).toBeLessThan(at.get('b')!.x);
    expect(at.get('b')!.x).toBeLessThan(at.get('c')!.x);
    expect(at.get('root')!.x).toBeCloseTo(at.get('b')!.x, 5);
    expect(at.get('b')!.x - at.get('a')!.x).toBe(CARD.width + OPTIONS.nodesep);
  });

  it('reorders ranks to remove the crossings the first (depth-first) order leaves', () => {
    const pairs = ['v0>v1', 'v0>v5', 'v1>v2', 'v1>v3', 'v1>v4', 'v2>v5', 'v2>v6', 'v3>v5', 'v4>v5'];
    const edges = pairs.map((p) => ({ source: p.split('>')[0]!, target: p.split('>')[1]! }));
    const nodes = Array.from({ length: 7 }, (_, i) => ({ id: `v${i}`, ...CARD }));
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 'v0' });
    const rank = CARD.height + OPTIONS.ranksep;
    let crossings = 0;
    for (const e of edges)
      for (const f of edges) {
        const [a, b, c, d] = [at.get(e.source)!, at.get(e.target)!, at.get(f.source)!, at.get(f.target)!];
        if (e.source !== f.source && e.target !== f.target && a.y === c.y && b.y === d.y && b.y - a.y === rank && a.x < c.x && b.x > d.x) crossings++;
      }
    expect(crossings).toBe(0);
  });

  it('puts a card with one child right over it, not where its rank was centred', () => {
    const nodes = ['s', 'a', 'b', 'c'].map((id) => ({ id, ...CARD }));
    const edges = [
      { source: 's', target: 'a' },
      { source: 's', target: 'b' },
      { source: 'b', target: 'c' },
    ];
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 's' });
    expect(at.get('c')!.x).toBeCloseTo(at.get('b')!.x, 0);
  });

  it('puts a node nothing leads to next to the node it leads to, not in the top rank', () => {
    const nodes = ['start', 'a', 'b', 'c', 'orphan'].map((id) => ({ id, ...CARD }));
    const edges = [
      { source: 'start', target: 'a' },
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'orphan', target: 'c' },
    ];
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 'start' });
    expect(at.get('orphan')!.y).toBe(at.get('b')!.y);
  });

  it('lays out a 200-node flow as a narrow column, not a 200-wide staircase', () => {
    const nodes = [...Array.from({ length: 200 }, (_, i) => ({ id: `n${i}`, ...CARD })), { id: 'success', ...CARD }, { id: 'failure', ...CARD }];
    const name = (k: number) => (k < 200 ? `n${k}` : k === 200 ? 'success' : 'failure');
    const edges = Array.from({ length: 200 }, (_, i) => [
      { source: `n${i}`, target: name(i + 1) },
      { source: `n${i}`, target: name(i + 2) },
    ]).flat();
    const at = layeredLayout(nodes, edges, { ...OPTIONS, start: 'n0' });
    expect(at.size).toBe(202);
    expect(Math.max(...[...at.values()].map((p) => p.x))).toBeLessThan(3 * CARD.width);
  });
});

describe('placeInOrder', () => {
  it('gives every node its wish when the wishes keep the gaps', () => {
    expect(placeInOrder([0, 100, 300], [1, 1, 1], [50, 50])).toEqual([0, 100, 300]);
  });
  it('spreads nodes that want one place around it, keeping the order and the gaps', () => {
    expect(placeInOrder([100, 100, 100], [1, 1, 1], [50, 50])).toEqual([50, 100, 150]);
  });
  it('lets the heavier node keep its wish', () => {
    const [a, b] = placeInOrder([0, 0], [1, 9], [100]);
    expect(b! - a!).toBe(100);
    expect(b).toBeCloseTo(10, 5);
  });
});
