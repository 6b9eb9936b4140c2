import { createAuditor, logAuditSink, storeAuditSink, type Auditor } from '@waymark/core';
import type { AuditEvent, AuditSink, AuditStore, Clock, Logger } from '@waymark/sdk';
import { RouterOptionsError } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';

/**
 * The router's `audit` option: where its audit events go. Every sink gets every event; a sink
 * never blocks a request (the store's append is not awaited) and one that throws is logged,
 * never passed to the request.
 *
 * @example
 * createWaymarkRouter({ ..., audit: { store: control.audit, log: true, sinks: [(event) => siem.send(event)] } });
 */
export interface RouterAuditOptions {
  /** Keep events in this store (`AuditStore.append`: memory, or `RedisAuditStore` of @waymark/redis). Failures are logged and counted (`waymark_audit_failures_total`). */
  store?: AuditStore;
  /** One JSON line per event on the router's logger (`"message":"audit"`). Default false. */
  log?: boolean;
  /** Other sinks: `AuditSink` objects or functions `(event) => void` (a SIEM forwarder, a queue). */
  sinks?: readonly (AuditSink | ((event: AuditEvent) => void))[];
  /** Appends to `store` in flight at most; past it events are dropped and counted. Default 1000. */
  maxPending?: number;
}

/** The router's auditor, or undefined when `audit` is absent or names no sink (no cost per request). */
export function routerAuditor(
  option: RouterAuditOptions | undefined,
  clock: Clock,
  logger: Logger,
  metrics: AdapterMetrics,
): Auditor | undefined {
  if (option === undefined) return undefined;
  if (option === null || typeof option !== 'object') throw new RouterOptionsError('audit', 'must be { store?, log?, sinks? }');
  const sinks: (AuditSink | ((event: AuditEvent) => void))[] = [];
  if (option.store !== undefined) {
    if (typeof option.store?.append !== 'function') throw new RouterOptionsError('audit', 'store must be an AuditStore (append, query)');
    const failures = metrics.auditFailures.bind({ sink: 'store' });
    sinks.push(
      storeAuditSink(option.store, {
        logger,
        onFailure: () => failures(),
        ...(option.maxPending !== undefined ? { maxPending: option.maxPending } : {}),
      }),
    );
  }
  if (option.log === true) sinks.push(logAuditSink(logger));
  for (const sink of option.sinks ?? []) {
    if (typeof sink !== 'function' && typeof sink?.write !== 'function')
      throw new RouterOptionsError('audit', 'each of sinks must be an AuditSink ({ write(event) }) or a function (event) => void');
    sinks.push(sink);
  }
  return sinks.length === 0 ? undefined : createAuditor(sinks, { clock, logger });
}
