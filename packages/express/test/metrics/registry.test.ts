import { describe, expect, it } from '@jest/globals';
import { MetricsRegistry } from '@waymark/express';

describe('MetricsRegistry', () => {
  it('renders counters with labels in Prometheus text format, escaping label values', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('waymark_test_total', 'A test counter.', ['flow', 'outcome']);
    c.inc({ flow: 'login', outcome: 'success' });
    c.inc({ flow: 'login', outcome: 'success' }, 2);
    c.inc({ flow: 'a"b\\c\nd', outcome: 'failure' });
    expect(registry.render()).toBe(
      [
        '# HELP waymark_test_total A test counter.',
        '# TYPE waymark_test_total counter',
        'waymark_test_total{flow="login",outcome="success"} 3',
        'waymark_test_total{flow="a\\"b\\\\c\\nd",outcome="failure"} 1',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('waymark_node_seconds', 'Node time.', ['type'], [0.1, 1]);
    h.observe({ type: 'ip.match' }, 0.05);
    h.observe({ type: 'ip.match' }, 0.5);
    h.observe({ type: 'ip.match' }, 5);
    const text = registry.render();
    expect(text).toContain('waymark_node_seconds_bucket{type="ip.match",le="0.1"} 1');
    expect(text).toContain('waymark_node_seconds_bucket{type="ip.match",le="1"} 2');
    expect(text).toContain('waymark_node_seconds_bucket{type="ip.match",le="+Inf"} 3');
    expect(text).toContain('waymark_node_seconds_sum{type="ip.match"} 5.55');
    expect(text).toContain('waymark_node_seconds_count{type="ip.match"} 3');
  });

  it('returns the same metric when registered twice alike, and refuses a clash', () => {
    const registry = new MetricsRegistry();
    const a = registry.counter('x_total', 'x', ['a']);
    expect(registry.counter('x_total', 'x', ['a'])).toBe(a);
    expect(() => registry.counter('x_total', 'x', ['b'])).toThrow(/already registered/);
    expect(() => registry.histogram('x_total', 'x', ['a'])).toThrow(/already registered/);
  });

  it('refuses missing or unknown labels, bad names and decreasing counters', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('y_total', 'y', ['a']);
    expect(() => c.inc({})).toThrow(/needs label "a"/);
    expect(() => c.inc({ a: '1', b: '2' })).toThrow(/no label "b"/);
    expect(() => c.inc({ a: '1' }, -1)).toThrow(/only grow/);
    expect(() => registry.counter('bad-name', 'z')).toThrow(/not a valid/);
    expect(() => registry.histogram('h', 'h', ['le'])).toThrow(/not allowed/);
  });

  it('binds a label set once: bound counters and histograms feed the same series as inc and observe', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('waymark_bound_total', 'Bound.', ['client', 'result']);
    const created = c.bind({ client: 'app', result: 'created' });
    created();
    created(2);
    c.inc({ client: 'app', result: 'created' });
    expect(c.get({ client: 'app', result: 'created' })).toBe(4);
    expect(() => created(-1)).toThrow(/only grow/);
    expect(() => c.bind({ client: 'app' })).toThrow(/needs label "result"/);
    const h = registry.histogram('waymark_bound_seconds', 'Bound.', ['endpoint'], [0.1, 1]);
    const par = h.bind({ endpoint: 'par' });
    par(0.05);
    h.observe({ endpoint: 'par' }, 0.5);
    expect(h.count({ endpoint: 'par' })).toBe(2);
    expect(registry.render()).toContain('waymark_bound_seconds_bucket{endpoint="par",le="0.1"} 1');
  });
});
