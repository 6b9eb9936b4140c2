import type {
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditStore,
  ClientRecord,
  ClientStore,
  Clock,
  ControlStores,
  FlowEntry,
  FlowStore,
  FlowVersionRecord,
  JourneyLogStore,
  JourneyPage,
  JourneyQuery,
  JourneyRecord,
} from '@waymark/sdk';
import { copyValue } from './memory-stores.js';

/* The control-plane stores of one process. As the runtime memory stores: values are copied in
 * and out, every method does its read-check-write without an await in between (atomic on Node's
 * single thread). Several processes need the Redis ones. */

/** Default page size of a query, and the most a page may hold. */
export const QUERY_PAGE = { default: 100, max: 1000 } as const;

/** The page size a query asks for, defaulted and capped ({@link QUERY_PAGE}): the same rule for every store. */
export function queryPageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isInteger(limit) || limit < 1) return QUERY_PAGE.default;
  return Math.min(limit, QUERY_PAGE.max);
}

/* A cursor is the sequence number of the last item of the page, opaque to callers. */
function encodeCursor(seq: number): string {
  return Buffer.from(String(seq)).toString('base64url');
}
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return -1;
  const seq = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : -1;
}

/** Listeners told of every change (the push half of {@link FlowStore.subscribe}). */
class Changes {
  revision = 0;
  readonly #listeners = new Set<() => void>();
  bump(): void {
    this.revision++;
    for (const listener of this.#listeners) queueMicrotask(listener);
  }
  async subscribe(listener: () => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => void this.#listeners.delete(listener);
  }
}

export class MemoryFlowStore implements FlowStore {
  readonly #entries = new Map<string, FlowEntry>();
  readonly #versions = new Map<string, FlowVersionRecord>();
  readonly #changes = new Changes();

  async list(): Promise<FlowEntry[]> {
    return [...this.#entries.values()].map((e) => copyValue(e)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  async entry(id: string): Promise<FlowEntry | undefined> {
    const entry = this.#entries.get(id);
    return entry && copyValue(entry);
  }
  async getVersion(id: string, version: number): Promise<FlowVersionRecord | undefined> {
    const record = this.#versions.get(`${id}@${version}`);
    return record && copyValue(record);
  }
  async saveVersion(record: FlowVersionRecord, expectedLatest: number | null, options: { activate?: boolean } = {}): Promise<boolean> {
    const entry = this.#entries.get(record.id);
    const latest = entry ? entry.versions[entry.versions.length - 1]! : null;
    if (latest !== expectedLatest) return false;
    if (latest !== null && record.version <= latest) return false;
    this.#versions.set(`${record.id}@${record.version}`, copyValue(record));
    const activate = options.activate ?? true;
    this.#entries.set(record.id, {
      id: record.id,
      versions: [...(entry?.versions ?? []), record.version],
      activeVersion: activate || !entry ? record.version : entry.activeVersion,
      updatedAt: record.savedAt,
      updatedBy: record.savedBy,
    });
    this.#changes.bump();
    return true;
  }
  async activate(id: string, version: number, by: string, at: number, expectedActive?: number): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry || !entry.versions.includes(version)) return false;
    if (expectedActive !== undefined && entry.activeVersion !== expectedActive) return false;
    this.#entries.set(id, { ...entry, versions: [...entry.versions], activeVersion: version, updatedAt: at, updatedBy: by });
    this.#changes.bump();
    return true;
  }
  async revision(): Promise<number> {
    return this.#changes.revision;
  }
  subscribe(listener: () => void): Promise<() => Promise<void>> {
    return this.#changes.subscribe(listener);
  }
}

export class MemoryClientStore implements ClientStore {
  readonly #clients = new Map<string, ClientRecord>();
  readonly #changes = new Changes();

  async list(): Promise<ClientRecord[]> {
    return [...this.#clients.values()].map((c) => copyValue(c));
  }
  async get(clientId: string): Promise<ClientRecord | undefined> {
    const record = this.#clients.get(clientId);
    return record && copyValue(record);
  }
  async put(clientId: string, record: Omit<ClientRecord, 'revision'>, expectedRevision: number | null): Promise<number | false> {
    const current = this.#clients.get(clientId);
    if ((current?.revision ?? null) !== expectedRevision) return false;
    const revision = (current?.revision ?? 0) + 1;
    this.#clients.set(clientId, { ...copyValue(record), revision });
    this.#changes.bump();
    return revision;
  }
  async delete(clientId: string, expectedRevision?: number): Promise<boolean> {
    const current = this.#clients.get(clientId);
    if (!current || (expectedRevision !== undefined && current.revision !== expectedRevision)) return false;
    this.#clients.delete(clientId);
    this.#changes.bump();
    return true;
  }
  async revision(): Promise<number> {
    return this.#changes.revision;
  }
  subscribe(listener: () => void): Promise<() => Promise<void>> {
    return this.#changes.subscribe(listener);
  }
}

/** Options of the memory audit store. */
export interface MemoryAuditStoreOptions {
  /** Events kept; the oldest go first. Default 10000. */
  capacity?: number;
  /** Events older than this (by their `time`, on `clock`) are no longer returned. Default: kept until the ring drops them. */
  retentionSeconds?: number;
  /** The clock retention is judged by. Default: system time. */
  clock?: Clock;
}

/** Whether an audit event matches a query's filters (not its cursor or limit): the one rule every audit store applies. */
export function matchesAuditQuery(event: AuditEvent, q: AuditQuery): boolean {
  return (
    (q.from === undefined || event.time >= q.from) &&
    (q.to === undefined || event.time < q.to) &&
    (q.type === undefined || event.type === q.type) &&
    (q.sub === undefined || event.sub === q.sub) &&
    (q.client_id === undefined || event.client_id === q.client_id) &&
    (q.outcome === undefined || event.outcome === q.outcome) &&
    (q.requestId === undefined || event.requestId === q.requestId)
  );
}

/**
 * A bounded ring of audit events, oldest first: appending to a full ring overwrites the oldest
 * slot (O(1); shifting an array of 10000 cost ~90 µs an event).
 */
export class MemoryAuditStore implements AuditStore {
  readonly #capacity: number;
  readonly #retentionMs: number | undefined;
  readonly #clock: Clock;
  readonly #ring: ({ seq: number; event: AuditEvent } | undefined)[] = [];
  /** The slot the next append writes: once full, also the oldest. */
  #next = 0;
  #seq = 0;

  constructor(options: MemoryAuditStoreOptions = {}) {
    this.#capacity = Math.max(1, Math.floor(options.capacity ?? 10_000));
    this.#retentionMs = options.retentionSeconds === undefined ? undefined : options.retentionSeconds * 1000;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }
  async append(event: AuditEvent): Promise<void> {
    this.#ring[this.#next] = { seq: this.#seq++, event: copyValue(event) };
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The kept events, oldest first. */
  *#events(): Generator<{ seq: number; event: AuditEvent }> {
    const full = this.#ring.length === this.#capacity;
    for (let i = 0; i < this.#ring.length; i++) {
      const slot = this.#ring[full ? (this.#next + i) % this.#capacity : i];
      if (slot !== undefined) yield slot;
    }
  }
  async query(query: AuditQuery): Promise<AuditPage> {
    const after = decodeCursor(query.cursor);
    const limit = queryPageSize(query.limit);
    const events: AuditEvent[] = [];
    const oldest = this.#retentionMs === undefined ? -Infinity : this.#clock.now() - this.#retentionMs;
    let last = -1;
    for (const { seq, event } of this.#events()) {
      if (seq <= after || event.time < oldest || !matchesAuditQuery(event, query)) continue;
      if (events.length === limit) return { events, next: encodeCursor(last) };
      events.push(copyValue(event));
      last = seq;
    }
    return { events };
  }
}

/** Options of the memory journey log. */
export interface MemoryJourneyLogOptions {
  /** Journeys kept; the least recently updated go first. Default 10000. */
  capacity?: number;
  /** Finished journeys are kept this long after they end. Default 86400 (a day). */
  retentionSeconds?: number;
}

/** Whether a journey record matches a query's filters (not its cursor or limit): the one rule every journey log applies. */
export function matchesJourneyQuery(j: JourneyRecord, q: JourneyQuery): boolean {
  return (
    (q.from === undefined || j.updatedAt >= q.from) &&
    (q.to === undefined || j.startedAt < q.to) &&
    (q.flowId === undefined || j.flowId === q.flowId) &&
    (q.client_id === undefined || j.client_id === q.client_id) &&
    (q.sub === undefined || j.sub === q.sub) &&
    (q.status === undefined || j.status === q.status) &&
    (q.code === undefined || j.code === q.code)
  );
}

/** Journeys kept for operators: bounded in count and, once finished, in time. */
export class MemoryJourneyLogStore implements JourneyLogStore {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #retentionMs: number;
  /* Insertion order is update order: a record is deleted and re-set when it changes. */
  readonly #journeys = new Map<string, { seq: number; journey: JourneyRecord }>();
  /* A live iterator over the map, oldest first: eviction resumes where it stopped instead of
   * scanning from the start past every deleted entry (which made a full log's record O(n)). */
  #oldest: Iterator<string> = this.#journeys.keys();
  #seq = 0;

  constructor(clock: Clock, options: MemoryJourneyLogOptions = {}) {
    this.#clock = clock;
    this.#capacity = options.capacity ?? 10_000;
    this.#retentionMs = (options.retentionSeconds ?? 86_400) * 1000;
  }
  #expired(j: JourneyRecord): boolean {
    return j.endedAt !== undefined && j.endedAt + this.#retentionMs <= this.#clock.now();
  }
  async record(journey: JourneyRecord): Promise<void> {
    this.#journeys.delete(journey.id);
    this.#journeys.set(journey.id, { seq: this.#seq++, journey: copyValue(journey) });
    while (this.#journeys.size > this.#capacity) {
      let oldest = this.#oldest.next();
      if (oldest.done) {
        this.#oldest = this.#journeys.keys();
        oldest = this.#oldest.next();
      }
      this.#journeys.delete(oldest.value as string);
    }
  }
  async get(id: string): Promise<JourneyRecord | undefined> {
    const found = this.#journeys.get(id);
    return found && !this.#expired(found.journey) ? copyValue(found.journey) : undefined;
  }
  async query(query: JourneyQuery): Promise<JourneyPage> {
    const after = decodeCursor(query.cursor);
    const limit = queryPageSize(query.limit);
    const journeys: JourneyRecord[] = [];
    let last = -1;
    for (const { seq, journey } of this.#journeys.values()) {
      if (seq <= after || this.#expired(journey) || !matchesJourneyQuery(journey, query)) continue;
      if (journeys.length === limit) return { journeys, next: encodeCursor(last) };
      journeys.push(copyValue(journey));
      last = seq;
    }
    return { journeys };
  }
}

/** Options of {@link createMemoryControlStores}. */
export interface MemoryControlStoresOptions {
  clock?: Clock;
  audit?: MemoryAuditStoreOptions;
  journeyLog?: MemoryJourneyLogOptions;
}

/**
 * The control-plane stores in memory: one process, lost on restart.
 *
 * @example
 * const control = createMemoryControlStores({ audit: { capacity: 50_000 } });
 * await control.audit.query({ type: 'journey.ended', outcome: 'failure', from: t1, to: t2 });
 */
export function createMemoryControlStores(options: MemoryControlStoresOptions = {}): ControlStores {
  const clock = options.clock ?? { now: () => Date.now() };
  return {
    flows: new MemoryFlowStore(),
    clients: new MemoryClientStore(),
    audit: new MemoryAuditStore({ clock, ...options.audit }),
    journeyLog: new MemoryJourneyLogStore(clock, options.journeyLog),
  };
}
