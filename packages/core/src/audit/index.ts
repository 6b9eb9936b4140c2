export { createAuditor, auditEventId, fanOutAuditSink, functionAuditSink } from './auditor.js';
export type { Auditor, AuditFields } from './auditor.js';
export { storeAuditSink, logAuditSink } from './sinks.js';
export type { StoreAuditSink, StoreAuditSinkOptions } from './sinks.js';
export { journeyAuditListener, journeyLogListener } from './journey-listeners.js';
export type { JourneyLogListenerOptions } from './journey-listeners.js';
