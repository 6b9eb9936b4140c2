/*
 * The canvas's automatic layout: a small layered (Sugiyama) layout for flow graphs, top to bottom,
 * on flat arrays. It replaced dagre, which spent 0.7-1.6 s (in Node, on the loaded shared machine)
 * on a 200-node flow in its ordering and positioning passes (graphlib objects rebuilt per rank and
 * per sweep); this one takes 30-130 ms there for the same flow. The steps are the classic ones:
 *
 *  1. cycles (retry loops) are broken by reversing the edges a depth-first walk from the start
 *     finds going back up its stack;
 *  2. ranks: the longest path from the start, then nodes that only point down (not the start) are
 *     pulled down next to their nearest successor, so no edge is longer than it must be;
 *  3. an edge spanning several ranks gets a thin dummy per rank it crosses, so it keeps a lane;
 *  4. order within a rank: the depth-first walk's order (successors in outcome order, which is
 *     the order of a card's outcome dots), then barycentre sweeps down and up, keeping the order
 *     with the fewest crossings;
 *  5. x: every node wants the mean x of its neighbours in the rank above (sweeping down) or below
 *     (sweeping up); each rank is then placed as close to those wishes as the order and the gaps
 *     allow (least squares, solved exactly by pooling adjacent violators);
 *  6. y: ranks stacked with `ranksep` between them, nodes centred in their rank.
 *
 * Answers top-left corners, the smallest x and y at 0.
 */

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}
export interface LayoutEdge {
  source: string;
  target: string;
}
export interface LayoutOptions {
  /** Horizontal gap between two nodes of a rank. */
  nodesep: number;
  /** Vertical gap between two ranks. */
  ranksep: number;
  /** Horizontal gap next to an edge's lane (a dummy). */
  edgesep?: number;
  /** The node the walk starts from (the flow's start); else the first node. */
  start?: string;
}

const ORDER_SWEEPS = 12;
const POSITION_ROUNDS = 6;

/** Lays `nodes` out in ranks top to bottom; answers each node's top-left corner by id. */
export function layeredLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions,
): Map<string, { x: number; y: number }> {
  const { nodesep, ranksep } = options;
  const edgesep = options.edgesep ?? 20;
  const n = nodes.length;
  const positions = new Map<string, { x: number; y: number }>();
  if (n === 0) return positions;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));

  // The graph, without self-loops and repeated pairs (two outcomes to one target lay out as one).
  const out: number[][] = nodes.map(() => []);
  const seen = new Set<number>();
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t || seen.has(s * n + t)) continue;
    seen.add(s * n + t);
    out[s]!.push(t);
  }

  // 1. Depth-first from the start, then from every node not reached yet; an edge to a node still
  // on the stack closes a cycle and is reversed. `walk` is the preorder (the first ordering).
  const startIndex = index.get(options.start ?? '') ?? 0;
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const walk: number[] = [];
  const dag: number[][] = nodes.map(() => []);
  const inDag = new Set<number>();
  const addDag = (a: number, b: number) => {
    if (inDag.has(a * n + b)) return;
    inDag.add(a * n + b);
    dag[a]!.push(b);
  };
  const visit = (root: number) => {
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    walk.push(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      if (i === out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const w = out[v]![i]!;
      if (state[w] === 1) addDag(w, v);
      else {
        addDag(v, w);
        if (state[w] === 0) {
          state[w] = 1;
          walk.push(w);
          stack.push([w, 0]);
        }
      }
    }
  };
  visit(startIndex);
  for (let v = 0; v < n; v++) if (state[v] === 0) visit(v);

  // 2. Ranks: longest path in topological order (Kahn), then nodes that only point down pulled
  // down under their nearest successor.
  const indegree = new Int32Array(n);
  for (let v = 0; v < n; v++) for (const w of dag[v]!) indegree[w]!++;
  const rank = new Int32Array(n);
  const topo: number[] = [];
  const queue: number[] = [];
  for (const v of walk) if (indegree[v] === 0) queue.push(v);
  while (queue.length) {
    const v = queue.shift()!;
    topo.push(v);
    for (const w of dag[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  const hasIn = new Uint8Array(n);
  for (let v = 0; v < n; v++) for (const w of dag[v]!) hasIn[w] = 1;
  for (let k = topo.length - 1; k >= 0; k--) {
    const v = topo[k]!;
    if (hasIn[v] || v === startIndex || dag[v]!.length === 0) continue;
    let nearest = Infinity;
    for (const w of dag[v]!) nearest = Math.min(nearest, rank[w]!);
    rank[v] = nearest - 1;
  }
  let maxRank = 0;
  for (let v = 0; v < n; v++) maxRank = Math.max(maxRank, rank[v]!);

  // 3. The layered graph: real nodes 0..n-1, then one dummy per rank a long edge crosses.
  const width: number[] = nodes.map((node) => node.width);
  const height: number[] = nodes.map((node) => node.height);
  const layerOf: number[] = Array.from(rank);
  const down: number[][] = nodes.map(() => []);
  const up: number[][] = nodes.map(() => []);
  const link = (a: number, b: number) => {
    down[a]!.push(b);
    up[b]!.push(a);
  };
  for (const v of walk)
    for (const w of dag[v]!) {
      let from = v;
      for (let r = rank[v]! + 1; r < rank[w]!; r++) {
        const d = width.length;
        width.push(0);
        height.push(0);
        layerOf.push(r);
        down.push([]);
        up.push([]);
        link(from, d);
        from = d;
      }
      link(from, w);
    }
  const total = width.length;
  const isDummy = (v: number) => v >= n;

  // 4. Order: the depth-first walk over the layered graph (successors in outcome order) first.
  const layers: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  const placed = new Uint8Array(total);
  const place = (root: number) => {
    const stack = [root];
    while (stack.length) {
      const v = stack.pop()!;
      if (placed[v]) continue;
      placed[v] = 1;
      layers[layerOf[v]!]!.push(v);
      for (let i = down[v]!.length - 1; i >= 0; i--) if (!placed[down[v]![i]!]) stack.push(down[v]![i]!);
    }
  };
  for (const v of walk) place(v);
  const pos = new Int32Array(total);
  const setPositions = (ls: number[][]) => ls.forEach((layer) => layer.forEach((v, i) => (pos[v] = i)));
  setPositions(layers);

  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(layers, down, pos);
  for (let sweep = 0; sweep < ORDER_SWEEPS && bestCrossings > 0; sweep++) {
    const goingDown = sweep % 2 === 0;
    for (let k = 1; k <= maxRank; k++) {
      const r = goingDown ? k : maxRank - k;
      const layer = layers[r]!;
      reorder(layer, goingDown ? up : down, pos, goingDown ? down : undefined);
      layer.forEach((v, i) => (pos[v] = i));
    }
    const c = crossings(layers, down, pos);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => [...l]);
    }
  }
  setPositions(best);

  // 5. x: centres, first packed left to right, then pulled towards their neighbours.
  const gap = (a: number, b: number) => (width[a]! + width[b]!) / 2 + (isDummy(a) || isDummy(b) ? edgesep : nodesep);
  const x = new Float64Array(total);
  for (const layer of best) {
    let at = 0;
    layer.forEach((v, i) => {
      if (i > 0) at += gap(layer[i - 1]!, v);
      x[v] = at;
    });
    const shift = at / 2;
    for (const v of layer) x[v]! -= shift;
  }
  const pull = (layer: number[], lists: number[][][]) => {
    const wish = layer.map((v) => {
      let sum = 0;
      let count = 0;
      for (const list of lists)
        for (const u of list[v]!) {
          sum += x[u]!;
          count++;
        }
      return count ? sum / count : x[v]!;
    });
    // A long edge's lane weighs more, so it runs straight rather than bending round the cards.
    const weights = layer.map((v) => (isDummy(v) ? 4 : 1));
    const gaps = layer.slice(1).map((v, i) => gap(layer[i]!, v));
    const xs = placeInOrder(wish, weights, gaps);
    layer.forEach((v, i) => (x[v] = xs[i]!));
  };
  for (let round = 0; round < POSITION_ROUNDS; round++) {
    for (let r = 1; r <= maxRank; r++) pull(best[r]!, [up]);
    for (let r = maxRank - 1; r >= 0; r--) pull(best[r]!, [down]);
  }
  for (let r = 0; r <= maxRank; r++) pull(best[r]!, [up, down]);

  // 6. y: ranks stacked, each as tall as its tallest node.
  let minX = Infinity;
  for (let v = 0; v < n; v++) minX = Math.min(minX, x[v]! - width[v]! / 2);
  let top = 0;
  for (const layer of best) {
    let tallest = 0;
    for (const v of layer) tallest = Math.max(tallest, height[v]!);
    for (const v of layer)
      if (!isDummy(v))
        positions.set(nodes[v]!.id, { x: Math.round(x[v]! - width[v]! / 2 - minX), y: Math.round(top + (tallest - height[v]!) / 2) });
    top += tallest + ranksep;
  }
  return positions;
}

/**
 * Sorts a rank by the barycentre of each node's neighbours; nodes without any keep their slot.
 * Sweeping down, a parent counts at the place of the outcome dot the edge leaves from (`ports`:
 * the parent's edges in outcome order), so a card's first outcome leads left and its last right.
 */
function reorder(layer: number[], neighbours: number[][], pos: Int32Array, ports?: number[][]): void {
  const movable: { v: number; key: number; was: number }[] = [];
  const fixed = new Array<boolean>(layer.length).fill(false);
  layer.forEach((v, i) => {
    const list = neighbours[v]!;
    if (list.length === 0) {
      fixed[i] = true;
      return;
    }
    let sum = 0;
    for (const u of list) {
      sum += pos[u]!;
      if (ports) sum += (ports[u]!.indexOf(v) + 1) / (ports[u]!.length + 1) - 0.5;
    }
    movable.push({ v, key: sum / list.length, was: i });
  });
  movable.sort((a, b) => a.key - b.key || a.was - b.was);
  let m = 0;
  for (let i = 0; i < layer.length; i++) if (!fixed[i]) layer[i] = movable[m++]!.v;
}

/** Edge crossings between every pair of adjacent ranks (inversions counted with a Fenwick tree), edges leaving a card in outcome order. */
function crossings(layers: number[][], down: number[][], pos: Int32Array): number {
  let total = 0;
  for (let r = 0; r + 1 < layers.length; r++) {
    const size = layers[r + 1]!.length;
    const targets: number[] = [];
    for (const v of layers[r]!) {
      // In outcome order: two edges of one card cross when their targets are the other way round.
      for (const w of down[v]!) targets.push(pos[w]!);
    }
    const tree = new Int32Array(size + 1);
    let before = 0;
    for (const t of targets) {
      // Edges already seen that end right of t cross this one.
      let atMost = 0;
      for (let i = t + 1; i > 0; i -= i & -i) atMost += tree[i]!;
      total += before - atMost;
      for (let i = t + 1; i <= size; i += i & -i) tree[i]!++;
      before++;
    }
  }
  return total;
}

/**
 * The x of each node of a rank, in its order, closest (weighted least squares) to `wish` while
 * keeping at least `gaps[i]` between node i and i+1: with offsets o_i (the gaps summed), y_i = x_i
 * - o_i must not decrease, which is isotonic regression, solved by pooling adjacent violators.
 */
export function placeInOrder(wish: readonly number[], weights: readonly number[], gaps: readonly number[]): number[] {
  const offsets = [0];
  for (const g of gaps) offsets.push(offsets[offsets.length - 1]! + g);
  const blocks: { weight: number; sum: number; count: number }[] = [];
  wish.forEach((w, i) => {
    const weight = weights[i]!;
    blocks.push({ weight, sum: weight * (w - offsets[i]!), count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sum / prev.weight <= last.sum / last.weight) break;
      blocks.pop();
      prev.weight += last.weight;
      prev.sum += last.sum;
      prev.count += last.count;
    }
  });
  const xs: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.count; k++) xs.push(b.sum / b.weight + offsets[xs.length]!);
  return xs;
}
