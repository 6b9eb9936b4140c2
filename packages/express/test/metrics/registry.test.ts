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
});
