import type { JourneyLogStore, JourneyRecord, JourneyTraceStep, Logger } from '@waymark/sdk';
import type { JourneyEvent, TraceStep } from '../journey.js';
import type { Auditor } from './auditor.js';

/**
 * Engine events → audit events: `journey.ended` for every finished journey (success, or
 * failure with its code, reason and failing node) and `session.created` when it created a
 * session. Subscribe it once per engine (`engine.on(journeyAuditListener(auditor))`); the
 * adapter does when given `audit`.
 */
export function journeyAuditListener(auditor: Auditor): (event: JourneyEvent) => void {
  return function journeyAudit(event) {
    if (event.type !== 'journey.finished') return;
    const common = {
      requestId: event.requestId,
      sub: event.sub,
      client_id: event.client_id,
      flow: `${event.flowId}@${event.flowVersion}`,
      node: event.node,
      ip: event.ip,
      userAgent: event.userAgent,
      journeyId: event.journeyId,
    };
    auditor.emit({
      type: 'journey.ended',
      outcome: event.status,
      ...common,
      code: event.code,
      reason:
        event.status === 'failure' ? (event.nodeReason !== undefined ? `${event.nodeReason}: ${event.reason}` : event.reason) : undefined,
    });
    if (event.sessionCreated) auditor.emit({ type: 'session.created', outcome: 'created', ...common });
  };
}

function traceOf(trace: readonly TraceStep[]): JourneyTraceStep[] {
  return trace.map((s) => {
    const step: JourneyTraceStep = { node: s.node, type: s.type, outcome: s.outcome, ms: Math.round(s.ms * 1000) / 1000 };
    if (s.reason !== undefined) step.reason = s.reason;
    if (s.code !== undefined) step.code = s.code;
    if (s.subflow !== undefined) step.subflow = { flowId: s.subflow.flowId, flowVersion: s.subflow.flowVersion, trace: traceOf(s.subflow.trace) };
    return step;
  });
}

/** Options of {@link journeyLogListener}. */
export interface JourneyLogListenerOptions {
  /** Where a failed write is logged. */
  logger?: Logger;
  /** Called for each record not kept (count it in metrics). */
  onFailure?: (error: unknown) => void;
}

/**
 * Engine events → the journey log: a suspended journey is recorded `live` (where it waits, its
 * trace so far), a finished one replaces it with its status, failing node, code and reason. The
 * write is not awaited by the journey; a failure is logged and counted. Subscribe it once per
 * engine (`engine.on(journeyLogListener(store))`); the adapter does when given `journeyLog`.
 */
export function journeyLogListener(store: JourneyLogStore, options: JourneyLogListenerOptions = {}): (event: JourneyEvent) => void {
  const record = (journey: JourneyRecord) => {
    store.record(journey).catch((error: unknown) => {
      options.logger?.error('journey log record not kept', {
        journeyId: journey.id,
        ...(journey.requestId !== undefined ? { requestId: journey.requestId } : {}),
      });
      options.onFailure?.(error);
    });
  };
  return function journeyLog(event) {
    if (event.type !== 'journey.suspended' && event.type !== 'journey.finished') return;
    const journey: JourneyRecord = {
      id: event.journeyId,
      flowId: event.flowId,
      flowVersion: event.flowVersion,
      status: event.type === 'journey.suspended' ? 'live' : event.status,
      startedAt: event.startedAt,
      updatedAt: event.at,
      trace: traceOf(event.trace),
    };
    if (event.client_id !== undefined) journey.client_id = event.client_id;
    if (event.requestId !== undefined) journey.requestId = event.requestId;
    if (event.type === 'journey.suspended') journey.node = event.node;
    else {
      journey.endedAt = event.at;
      if (event.node !== undefined) journey.node = event.node;
      if (event.sub !== undefined) journey.sub = event.sub;
      if (event.code !== undefined) journey.code = event.code;
      if (event.reason !== undefined)
        journey.reason = event.nodeReason !== undefined ? `${event.nodeReason}: ${event.reason}` : event.reason;
    }
    record(journey);
  };
}
