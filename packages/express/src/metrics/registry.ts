/* The Prometheus registry lives in @waymark/http now (the gateway uses it too); re-exported here so the adapter's imports and exports stay as they were. */
export { MetricsRegistry, Counter, Histogram, DEFAULT_BUCKETS, PROMETHEUS_CONTENT_TYPE, boundByKey } from '@waymark/http';
export type { Labels } from '@waymark/http';
