import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditSink, AuditStore, Logger } from '@waymark/sdk';
import type { Caller } from './locals.js';

/**
 * The default sink: appends to the audit store without holding the request up. A failed append
 * is logged (code only) and never fails the change that was made.
 */
export function storeAuditSink(store: AuditStore, logger: Logger): AuditSink {
  return {
    write(event) {
      store
        .append(event)
        .catch((error: unknown) =>
          logger.warn('audit event not kept', { type: event.type, code: (error as { code?: unknown })?.code ?? 'ERR_INTERNAL' }),
        );
    },
  };
}

/** A time-prefixed random id: sortable by time within one process, unique across processes. */
export function auditEventId(now: number): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
}

/** What one admin write did: the action, its target, and whether it was made. */
export interface AdminChange {
  /** `flow.create`, `flow.update`, `flow.activate`, `flow.rollback`, `client.create`, … */
  action: string;
  /** `flow:login@3`, `client:web-app`. */
  target: string;
  /** `success`, or `refused` (invalid, conflict) with the code. */
  outcome: 'success' | 'refused';
  code?: string;
  reason?: string;
}

/**
 * The `admin.change` audit event of one write: who (the token's `sub`, and its `client_id`),
 * what, and the request id. Never a value of the change (a secret, a flow body).
 */
export function adminChangeEvent(caller: Caller, change: AdminChange, now: number): AuditEvent {
  return {
    id: auditEventId(now),
    time: now,
    type: 'admin.change',
    ...(caller.requestId !== undefined ? { requestId: caller.requestId } : {}),
    ...(caller.sessionId !== undefined ? { sessionId: caller.sessionId } : {}),
    sub: caller.sub,
    ...(caller.clientId !== undefined ? { client_id: caller.clientId } : {}),
    ip: caller.ip,
    outcome: change.outcome,
    ...(change.code !== undefined ? { code: change.code } : {}),
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
    actor: caller.clientId !== undefined && caller.clientId !== caller.sub ? `${caller.sub} (client ${caller.clientId})` : caller.sub,
    target: change.target,
    action: change.action,
  };
}

/**
 * The `admin.access` audit event of one read made in an agent session (a request with
 * `X-Waymark-Session-Id`, as the MCP server sends): who, which route, how it ended. Reads
 * without a session id (a console, a CI job) are not recorded, so they cost nothing.
 */
export function adminAccessEvent(caller: Caller, action: string, status: number, now: number): AuditEvent {
  return {
    ...adminChangeEvent(
      caller,
      { action, target: action.slice(action.indexOf(' ') + 1), outcome: status < 400 ? 'success' : 'refused' },
      now,
    ),
    type: 'admin.access',
    ...(status >= 400 ? { code: `HTTP_${status}` } : {}),
  };
}
