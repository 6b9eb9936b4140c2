import { type Counter, type Histogram, MetricsRegistry } from './registry.js';

/**
 * The adapter's own metrics, on one registry that `router.metrics` exposes so the authorize
 * and journey endpoints add theirs (journeys by flow and outcome, node durations) on the same
 * `/metrics`.
 */
export interface AdapterMetrics {
  readonly registry: MetricsRegistry;
  /** `waymark_par_requests_total{client,result}`: result is `created` or the OAuth error. */
  readonly parRequests: Counter;
  /** `waymark_http_request_duration_seconds{endpoint,status}`. */
  readonly requestDuration: Histogram;
}

export function createAdapterMetrics(registry: MetricsRegistry = new MetricsRegistry()): AdapterMetrics {
  return {
    registry,
    parRequests: registry.counter('waymark_par_requests_total', 'Pushed authorization requests by client and result.', ['client', 'result']),
    requestDuration: registry.histogram('waymark_http_request_duration_seconds', 'Time to answer a request, by endpoint and status.', ['endpoint', 'status']),
  };
}
