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
  /** `waymark_authorize_requests_total{client,result}`: result is `suspended`, `success`, `failure` or the OAuth error. */
  readonly authorizeRequests: Counter;
  /** `waymark_journey_requests_total{endpoint,result}`: the JSON journey API. */
  readonly journeyRequests: Counter;
  /** `waymark_journeys_started_total{flow}`, from engine events. */
  readonly journeysStarted: Counter;
  /** `waymark_journeys_total{flow,outcome}`: finished journeys, outcome `success` or `failure`; from engine events. */
  readonly journeys: Counter;
  /** `waymark_journeys_suspended_total{flow}`: steps that waited for the user; from engine events. */
  readonly journeysSuspended: Counter;
  /** `waymark_node_duration_seconds{type}`: time of one node run, by node type; from engine events. */
  readonly nodeDuration: Histogram;
  /** `waymark_audit_failures_total{sink}`: audit events (sink `store`) or journey log records (sink `journey_log`) not kept. */
  readonly auditFailures: Counter;
}

export function createAdapterMetrics(registry: MetricsRegistry = new MetricsRegistry()): AdapterMetrics {
  return {
    registry,
    parRequests: registry.counter('waymark_par_requests_total', 'Pushed authorization requests by client and result.', ['client', 'result']),
    requestDuration: registry.histogram('waymark_http_request_duration_seconds', 'Time to answer a request, by endpoint and status.', ['endpoint', 'status']),
    authorizeRequests: registry.counter('waymark_authorize_requests_total', 'Authorization (and continue) requests by client and result.', ['client', 'result']),
    journeyRequests: registry.counter('waymark_journey_requests_total', 'JSON journey API requests by endpoint and result.', ['endpoint', 'result']),
    journeysStarted: registry.counter('waymark_journeys_started_total', 'Journeys started, by flow.', ['flow']),
    journeys: registry.counter('waymark_journeys_total', 'Journeys finished, by flow and outcome (success or failure).', ['flow', 'outcome']),
    journeysSuspended: registry.counter('waymark_journeys_suspended_total', 'Journey steps that suspended for callbacks, by flow.', ['flow']),
    auditFailures: registry.counter('waymark_audit_failures_total', 'Audit events and journey log records not kept (the store failed or was backlogged), by sink.', ['sink']),
    nodeDuration: registry.histogram('waymark_node_duration_seconds', 'Time of one node run, by node type.', ['type'], [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
  };
}
