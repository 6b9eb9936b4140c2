import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditSink, Clock, Logger } from '@waymark/sdk';

/** What a caller gives to record an event: `id` and `time` are filled in; undefined fields are dropped. */
export type AuditFields = { [K in keyof Omit<AuditEvent, 'id' | 'time'>]: Omit<AuditEvent, 'id' | 'time'>[K] | undefined } & {
  type: AuditEvent['type'];
  outcome: string;
};

/**
 * Records audit events: fills in `id` and `time`, drops absent fields and hands each event to
 * every sink. An `Auditor` is itself an `AuditSink` (its `write` takes complete events), so it
 * can be given to another package that emits (the policy decision point, the OpenID Provider).
 */
export interface Auditor extends AuditSink {
  /** Records one event. Never throws, never waits. */
  emit(fields: AuditFields): void;
}

/* Ids sort by time within a process: the time in base 36 (fixed width), a random per-process
 * part, then a counter; unique without a random draw per event. */
const PROCESS = randomBytes(6).toString('base64url');
let counter = 0;

/** A unique id, sortable by time within one process: `<time base36>-<process>-<counter base36>`. */
export function auditEventId(time: number): string {
  counter = (counter + 1) % 0x100000000;
  return `${time.toString(36).padStart(9, '0')}-${PROCESS}-${counter.toString(36)}`;
}

/**
 * Several sinks as one: each write goes to every sink; a sink that throws is logged (its
 * failure never reaches the request nor the other sinks).
 */
export function fanOutAuditSink(sinks: readonly AuditSink[], logger?: Logger): AuditSink {
  const list = [...sinks];
  return {
    write(event) {
      for (const sink of list) {
        try {
          sink.write(event);
        } catch (error) {
          logger?.error('audit sink threw', {
            type: event.type,
            requestId: event.requestId,
            error: error instanceof Error ? error.name : 'thrown',
          });
        }
      }
    },
  };
}

/** A function `(event) => void` as a sink (the hook for a SIEM forwarder, a queue, a test). */
export function functionAuditSink(write: (event: AuditEvent) => void): AuditSink {
  return { write };
}

/**
 * Builds an {@link Auditor} over sinks (objects with `write`, or functions).
 *
 * @example
 * const auditor = createAuditor([storeAuditSink(store, { logger }), logAuditSink(logger)], { clock });
 * auditor.emit({ type: 'par.refused', outcome: 'refused', code: 'ERR_INVALID_CLIENT', requestId });
 */
export function createAuditor(
  sinks: readonly (AuditSink | ((event: AuditEvent) => void))[],
  options: { clock?: Clock; logger?: Logger } = {},
): Auditor {
  const clock = options.clock ?? { now: () => Date.now() };
  const list = sinks.map((s) => (typeof s === 'function' ? functionAuditSink(s) : s));
  const sink = list.length === 1 ? list[0]! : fanOutAuditSink(list, options.logger);
  const write = (event: AuditEvent) => {
    try {
      sink.write(event);
    } catch (error) {
      options.logger?.error('audit sink threw', {
        type: event.type,
        requestId: event.requestId,
        error: error instanceof Error ? error.name : 'thrown',
      });
    }
  };
  return {
    write,
    emit(fields) {
      const time = clock.now();
      const event = { id: auditEventId(time), time } as AuditEvent;
      for (const key in fields) {
        const value = (fields as Record<string, unknown>)[key];
        if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
      }
      write(event);
    },
  };
}
