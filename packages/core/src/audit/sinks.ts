import type { AuditEvent, AuditSink, AuditStore, Logger } from '@waymark/sdk';

/** Options of {@link storeAuditSink}. */
export interface StoreAuditSinkOptions {
  /** Where a failed append is logged (without the event's fields beyond its type and request id). */
  logger?: Logger;
  /** Called once per event that was not kept (the store failed, or too many appends were pending): count it in metrics. */
  onFailure?: (event: AuditEvent, error: unknown) => void;
  /**
   * Appends in flight at most; past it new events are dropped (and reported through
   * `onFailure`) rather than queued without bound while the store is slow or down. Default 1000.
   */
  maxPending?: number;
}

/** A sink that keeps events in an {@link AuditStore}, with its failure count. */
export interface StoreAuditSink extends AuditSink {
  /** Events not kept so far. */
  failures(): number;
  /** Resolves when every append started so far has settled (tests, shutdown). */
  flush(): Promise<void>;
}

/**
 * Keeps each event in `store` (`AuditStore.append`) without the request waiting for it: the
 * append runs on its own, a failure is logged and counted (`onFailure`, `failures()`), never
 * thrown at the request.
 *
 * @example
 * const sink = storeAuditSink(control.audit, { logger, onFailure: () => failedAudits.inc() });
 */
export function storeAuditSink(store: AuditStore, options: StoreAuditSinkOptions = {}): StoreAuditSink {
  const maxPending = options.maxPending ?? 1000;
  const pending = new Set<Promise<void>>();
  let failures = 0;
  const fail = (event: AuditEvent, error: unknown) => {
    failures++;
    options.logger?.error('audit event not kept', {
      type: event.type,
      ...(event.requestId !== undefined ? { requestId: event.requestId } : {}),
      code: (error as { code?: unknown } | null)?.code ?? (error instanceof Error ? error.name : 'thrown'),
    });
    options.onFailure?.(event, error);
  };
  return {
    write(event) {
      if (pending.size >= maxPending) {
        fail(event, Object.assign(new Error('too many audit appends pending'), { code: 'audit_backlog' }));
        return;
      }
      let appended: Promise<void>;
      try {
        appended = store.append(event);
      } catch (error) {
        fail(event, error);
        return;
      }
      const settled: Promise<void> = appended.then(
        () => void pending.delete(settled),
        (error: unknown) => {
          pending.delete(settled);
          fail(event, error);
        },
      );
      pending.add(settled);
    },
    failures: () => failures,
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/**
 * One JSON log line per event (`message: "audit"`, the event's fields), at `info`: for a log
 * pipeline that ships lines to a SIEM. The event holds no secret, so the line holds none.
 */
export function logAuditSink(logger: Logger): AuditSink {
  return {
    write(event) {
      logger.info('audit', event as unknown as Record<string, unknown>);
    },
  };
}
