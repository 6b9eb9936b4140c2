import { Router } from 'express';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { defined, QueryReader } from '../lib/query.js';
import { sendJson } from '../lib/respond.js';
import type { AdminContext } from '../options.js';

const TYPES: readonly AuditEventType[] = AUDIT_EVENT_TYPES;

/* The contract's fields only: an event never carries a secret, and nothing a store added leaves. */
function eventView(e: AuditEvent): AuditEvent {
  return defined({
    id: e.id,
    time: e.time,
    type: e.type,
    requestId: e.requestId,
    sub: e.sub,
    client_id: e.client_id,
    flow: e.flow,
    node: e.node,
    outcome: e.outcome,
    code: e.code,
    reason: e.reason,
    ip: e.ip,
    userAgent: e.userAgent,
    journeyId: e.journeyId,
    transactionId: e.transactionId,
    sessionId: e.sessionId,
    actor: e.actor,
    target: e.target,
    tool: e.tool,
    argumentsHash: e.argumentsHash,
    upstreamStatus: e.upstreamStatus,
    durationMs: e.durationMs,
    action: e.action,
  }) as AuditEvent;
}

/** Audit events: query by time range, type, subject, client, outcome and request id, a page at a time (`next` → `cursor`). */
export function auditRoutes(ctx: AdminContext): Router {
  const router = Router();
  const read = permit(ctx, 'read');
  router.get('/audit-events', read, async (req, res) => {
    const q = new QueryReader(req, ['from', 'to', 'type', 'sub', 'client_id', 'outcome', 'request_id', 'limit', 'cursor']);
    const page = await ctx.stores.audit.query(
      defined({
        from: q.time('from'),
        to: q.time('to'),
        type: q.oneOf('type', TYPES),
        sub: q.text('sub'),
        client_id: q.text('client_id'),
        outcome: q.text('outcome'),
        requestId: q.text('request_id'),
        limit: q.limit(),
        cursor: q.text('cursor'),
      }),
    );
    sendJson(res, 200, { events: page.events.map(eventView), ...(page.next !== undefined ? { next: page.next } : {}) });
  });
  return router;
}
