import { MemoryAuditStore, MemoryJourneyLogStore } from '@waymark/core';
import { RedisAuditStore, RedisJourneyLogStore, type RedisClient } from '@waymark/redis';
import type { AuditStore, Clock, JourneyLogStore } from '@waymark/sdk';

/** The `audit` key of a serve configuration: the audit trail and the journey log. */
export interface AuditSettings {
  /** Keep audit events in a store the admin API queries (memory, or Redis with the `redis` setting). Default true. */
  store?: boolean;
  /** Events kept at most (the oldest go first). Default 10000. */
  capacity?: number;
  /** Events older than this are dropped, in seconds. Default 2592000 (30 days). */
  retentionSeconds?: number;
  /** One JSON line per event on the server's log (`"message":"audit"`), for a log pipeline or SIEM. Default false. */
  log?: boolean;
  /** The journey log (finished and live journeys with their traces): false, or its bounds. Default { capacity: 10000, retentionSeconds: 86400 }. */
  journeyLog?: false | { capacity?: number; retentionSeconds?: number };
}

/** Defaults of the `audit` key, each with its reason. */
export const AUDIT_DEFAULTS = {
  /** On: every decision leaves an event an operator can look up (bounded, so it costs a fixed amount of memory). */
  store: true,
  /** About 10 MB of memory at a kilobyte an event; Redis can keep more (raise it there). */
  capacity: 10_000,
  /** 30 days: long enough to investigate last month's incident. */
  retentionSeconds: 30 * 86_400,
  /** Off: the access log already has a line per request; turn on to ship events through logs. */
  log: false,
  journeyLog: {
    /** The last 10000 journeys: a morning's traffic for a small deployment. */
    capacity: 10_000,
    /** A day after they ended: traces are for debugging, not records. */
    retentionSeconds: 86_400,
  },
} as const;

const positive = (description: string) => ({ type: 'integer', minimum: 1, description });

/** The JSON Schema property of the `audit` key, for `serverConfigSchema`. */
export const auditSchemaProperties = {
  audit: {
    type: 'object',
    additionalProperties: false,
    description:
      'the audit trail and the journey log, such as { "store": true, "capacity": 10000, "retentionSeconds": 2592000, "log": false, "journeyLog": { "capacity": 10000, "retentionSeconds": 86400 } }; memory stores, or Redis with "redis"',
    properties: {
      store: { type: 'boolean', description: 'keep audit events for the admin API (memory, or Redis with "redis"). Default true' },
      capacity: positive('audit events kept at most, a positive integer. Default 10000'),
      retentionSeconds: positive('seconds an audit event is kept, a positive integer. Default 2592000 (30 days)'),
      log: { type: 'boolean', description: 'one JSON log line per audit event. Default false' },
      journeyLog: {
        description: 'false, or the bounds of the journey log: { "capacity": 10000, "retentionSeconds": 86400 }',
        type: ['boolean', 'object'],
        if: { type: 'boolean' },
        then: { const: false, description: 'false turns the journey log off' },
        else: {
          additionalProperties: false,
          properties: {
            capacity: positive('journeys kept at most, a positive integer. Default 10000'),
            retentionSeconds: positive('seconds a finished journey is kept, a positive integer. Default 86400'),
          },
        },
      },
    },
  },
} as const;

/** The audit settings with every default filled in. */
export interface ResolvedAuditSettings {
  store: boolean;
  capacity: number;
  retentionSeconds: number;
  log: boolean;
  journeyLog: false | { capacity: number; retentionSeconds: number };
}

/** The checked `audit` key (the schema checked its shape), defaults filled in. */
export function auditOf(settings: AuditSettings | undefined): ResolvedAuditSettings {
  const s = settings ?? {};
  return {
    store: s.store ?? AUDIT_DEFAULTS.store,
    capacity: s.capacity ?? AUDIT_DEFAULTS.capacity,
    retentionSeconds: s.retentionSeconds ?? AUDIT_DEFAULTS.retentionSeconds,
    log: s.log ?? AUDIT_DEFAULTS.log,
    journeyLog:
      s.journeyLog === false
        ? false
        : {
            capacity: s.journeyLog?.capacity ?? AUDIT_DEFAULTS.journeyLog.capacity,
            retentionSeconds: s.journeyLog?.retentionSeconds ?? AUDIT_DEFAULTS.journeyLog.retentionSeconds,
          },
  };
}

/** The control-plane handles a running server exposes (`server.control`) for the admin API. */
export interface ServerControl {
  /** The kept audit events, or undefined with `"audit": { "store": false }`. */
  audit: AuditStore | undefined;
  /** The journey log, or undefined with `"journeyLog": false`. */
  journeyLog: JourneyLogStore | undefined;
}

/**
 * The audit store and journey log of a server: on Redis (the same client and prefix as its
 * stores, so every process writes one trail) when it runs on Redis, else in memory.
 */
export function createServerControl(
  settings: ResolvedAuditSettings,
  redis: { client: RedisClient; prefix: string } | undefined,
  clock: Clock | undefined,
): ServerControl {
  const at = clock ? { clock } : {};
  let audit: AuditStore | undefined;
  if (settings.store) {
    const bounds = { capacity: settings.capacity, retentionSeconds: settings.retentionSeconds };
    audit = redis
      ? new RedisAuditStore({ redis: redis.client, prefix: redis.prefix, ...at, ...bounds })
      : new MemoryAuditStore({ ...at, ...bounds });
  }
  let journeyLog: JourneyLogStore | undefined;
  if (settings.journeyLog) {
    const bounds = settings.journeyLog;
    journeyLog = redis
      ? new RedisJourneyLogStore({ redis: redis.client, prefix: redis.prefix, ...at, ...bounds })
      : new MemoryJourneyLogStore(clock ?? { now: () => Date.now() }, bounds);
  }
  return { audit, journeyLog };
}
