/**
 * A tiny Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format (version 0.0.4). Enough for the adapter's and the gateway's own metrics; hosts that run
 * prom-client can scrape both endpoints.
 */

export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Default latency buckets, in seconds: 1 ms … 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

function renderLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? '')}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

interface SeriesNode<S> {
  readonly children: Map<string, SeriesNode<S>>;
  series: S | undefined;
}

/** Series by label values (one Map level per label), plus every series in creation order for rendering. */
interface SeriesTree<S> extends SeriesNode<S> {
  readonly all: S[];
}

const hasOwn = Object.prototype.hasOwnProperty;

function seriesTree<S>(): SeriesTree<S> {
  return { children: new Map(), series: undefined, all: [] };
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!METRIC_NAME.test(name)) throw new RangeError(`metric name "${name}" is not a valid Prometheus name`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le') throw new RangeError(`label "${label}" of ${name} is not allowed`);
    }
  }

  protected key(labels: Labels): string[] {
    const given = Object.keys(labels);
    for (const label of given) if (!this.labelNames.includes(label)) throw new RangeError(`${this.name} has no label "${label}"`);
    return this.labelNames.map((name) => {
      const value = labels[name];
      if (value === undefined) throw new RangeError(`${this.name} needs label "${name}"`);
      return value;
    });
  }

  /**
   * The series of one label set, created on first use. The hot path (every request observes a
   * few metrics) walks one Map per label, in the order of `labelNames`: no key string to build,
   * no JSON. Anything unusual (a missing or unknown label) goes through `key()` for its error.
   */
  protected series<S>(labels: Labels, root: SeriesTree<S>, create: (values: string[]) => S): S {
    const names = this.labelNames;
    let own = 0;
    for (const name in labels) if (hasOwn.call(labels, name)) own++;
    let node: SeriesNode<S> = root;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const value = labels[name];
      // Exactly the label names, each given: else key() throws the precise error (or, for a label
      // inherited from a prototype, which key() accepts, returns the values to walk by).
      if (own !== names.length || value === undefined || !hasOwn.call(labels, name)) return this.#walk(this.key(labels), root, create);
      let child = node.children.get(value);
      if (!child) node.children.set(value, (child = { children: new Map(), series: undefined }));
      node = child;
    }
    if (names.length === 0 && own !== 0) this.key(labels); // throws: this metric has no labels
    if (node.series === undefined) root.all.push((node.series = create(names.map((name) => labels[name] as string))));
    return node.series;
  }

  #walk<S>(values: string[], root: SeriesTree<S>, create: (values: string[]) => S): S {
    let node: SeriesNode<S> = root;
    for (const value of values) {
      let child = node.children.get(value);
      if (!child) node.children.set(value, (child = { children: new Map(), series: undefined }));
      node = child;
    }
    if (node.series === undefined) root.all.push((node.series = create(values)));
    return node.series;
  }

  /** The series of one label set if it exists (validated like `series`). */
  protected find<S>(labels: Labels, root: SeriesTree<S>): S | undefined {
    let node: SeriesNode<S> | undefined = root;
    for (const value of this.key(labels)) {
      node = node.children.get(value);
      if (!node) return undefined;
    }
    return node.series;
  }

  abstract render(): string;
}

/** A monotonically increasing count per label set. */
export class Counter extends Metric {
  readonly #values = seriesTree<{ labels: string[]; value: number }>();
  readonly #create = (labels: string[]) => ({ labels, value: 0 });

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`${this.name} can only grow`);
    this.series(labels, this.#values, this.#create).value += by;
  }

  /**
   * The series of one label set as a function, found (and validated) once: for hot paths that
   * count the same few label sets over and over.
   *
   * @example
   * const created = parRequests.bind({ client: 'app', result: 'created' }); created();
   */
  bind(labels: Labels): (by?: number) => void {
    const series = this.series(labels, this.#values, this.#create);
    return (by = 1) => {
      if (!(by >= 0)) throw new RangeError(`${this.name} can only grow`);
      series.value += by;
    };
  }

  /** The current count of one label set (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.find(labels, this.#values)?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.all) lines.push(`${this.name}${renderLabels(this.labelNames, labels)} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram extends Metric {
  readonly buckets: readonly number[];
  readonly #series = seriesTree<{ labels: string[]; counts: number[]; sum: number; count: number }>();
  readonly #create = (labels: string[]) => ({ labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 });

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[] = DEFAULT_BUCKETS) {
    super(name, help, labelNames);
    if (buckets.length === 0 || buckets.some((b, i) => i > 0 && b <= (buckets[i - 1] as number)))
      throw new RangeError(`buckets of ${name} must be a non-empty increasing list`);
    this.buckets = [...buckets];
  }

  observe(labels: Labels, value: number): void {
    this.#record(this.series(labels, this.#series, this.#create), value);
  }

  /** The series of one label set as a function, found (and validated) once (see Counter.bind). */
  bind(labels: Labels): (value: number) => void {
    const series = this.series(labels, this.#series, this.#create);
    return (value) => this.#record(series, value);
  }

  #record(series: { counts: number[]; sum: number; count: number }, value: number): void {
    const buckets = this.buckets;
    const counts = series.counts;
    // Cumulative buckets: every bound from the first one at or above the value.
    for (let i = buckets.length - 1; i >= 0 && value <= (buckets[i] as number); i--) counts[i] = (counts[i] as number) + 1;
    series.sum += value;
    series.count += 1;
  }

  /** Starts a timer; calling the returned function observes the elapsed seconds. */
  startTimer(labels: Labels = {}): (moreLabels?: Labels) => number {
    const start = performance.now();
    return (moreLabels = {}) => {
      const seconds = (performance.now() - start) / 1000;
      this.observe({ ...labels, ...moreLabels }, seconds);
      return seconds;
    };
  }

  /** The number of observations of one label set. */
  count(labels: Labels = {}): number {
    return this.find(labels, this.#series)?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.#series.all) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${renderLabels(this.labelNames, labels, ['le', formatNumber(bound)])} ${counts[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${renderLabels(this.labelNames, labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${renderLabels(this.labelNames, labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${renderLabels(this.labelNames, labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

/**
 * Bound series by key, made on first use: `boundByKey((status) => histogram.bind({ status }))`.
 * For label values from small fixed sets only (statuses, registered clients, loaded flows).
 */
export function boundByKey<K, F>(make: (key: K) => F): (key: K) => F {
  const bound = new Map<K, F>();
  return (key) => {
    let f = bound.get(key);
    if (f === undefined) bound.set(key, (f = make(key)));
    return f;
  };
}

/**
 * Holds the metrics of one router. Registering a name twice returns the existing metric when
 * the kind and labels agree (so endpoint modules can each ask for theirs) and throws otherwise.
 *
 * @example
 * const journeys = router.metrics.counter('waymark_journeys_total', 'Journeys by flow and outcome.', ['flow', 'outcome']);
 * journeys.inc({ flow: 'session-transfer', outcome: 'success' });
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#register(name, Counter, labelNames, () => new Counter(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.#register(name, Histogram, labelNames, () => new Histogram(name, help, labelNames, buckets));
  }

  /** The text exposition of every metric. */
  render(): string {
    const blocks = [...this.#metrics.values()].map((m) => m.render());
    return blocks.length === 0 ? '' : `${blocks.join('\n')}\n`;
  }

  #register<M extends Metric>(name: string, kind: abstract new (...args: never[]) => M, labelNames: readonly string[], create: () => M): M {
    const existing = this.#metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind) || existing.labelNames.join() !== labelNames.join())
        throw new RangeError(`metric "${name}" is already registered with another kind or labels`);
      return existing;
    }
    const metric = create();
    this.#metrics.set(name, metric);
    return metric;
  }
}

/** The content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
