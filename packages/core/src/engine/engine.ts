import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  WaymarkError,
  type Callback,
  type ClientInfo,
  type Clock,
  type JsonObject,
  type Logger,
  type NodeType,
  type PushedInfo,
  type RequestInfo,
  type Services,
  type Stores,
} from '@waymark/sdk';
import { DEFAULT_LIMITS, type EngineLimits } from '../defaults.js';
import { CORE_ERRORS, FlowInvalidError } from '../errors.js';
import type { Flow } from '../flow.js';
import type { FailureResult, JourneyEvent, JourneyResult, ResumeInput, StartInput, SuccessResult, TraceStep } from '../journey.js';
import { loadPlugins } from '../plugins.js';
import { NodeRegistry } from '../registry.js';
import { createMemoryStores, systemClock } from '../stores/memory/memory-stores.js';
import { validateFlow } from '../validate/index.js';
import { compileFlow, type CompiledFlow, type CompiledNode } from './compile.js';
import { createRunScope, stepContext, type EffectLog, type RunScope } from './context.js';
import { executeNode, Watchdog, type Execution } from './execute.js';
import { Sealer } from './seal.js';

export interface EngineOptions {
  /** Node types to register (the CLI and servers pass `builtinNodes` from @waymark/nodes). */
  nodes?: readonly NodeType<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- config types vary per node
  /** Plugin package names, resolved from `cwd`. */
  plugins?: readonly string[];
  /** Where plugins resolve from; default process.cwd(). */
  cwd?: string;
  /** Stores; any not given is in memory (the embedded default). */
  stores?: Partial<Stores>;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Extra services nodes use (users, riskProvider, notifier…). */
  services?: Record<string, unknown>;
  /**
   * Keys that seal persisted secrets (32 bytes, base64url); the first seals, all open. Absent:
   * a random key per process, so suspended journeys cannot move between processes.
   */
  secretKeys?: readonly (string | Uint8Array)[];
  limits?: Partial<EngineLimits>;
}

/** The persisted form of a suspended journey. Short keys keep Redis values small. */
interface JourneyRecord {
  id: string;
  f: string;
  fv: number;
  /** The node that suspended. */
  n: string;
  at: number;
  steps: number;
  state: JsonObject;
  /** Sealed { secrets, par, params }: everything that may hold a token or a password. */
  sealed?: string;
  client?: ClientInfo;
  fx: EffectLog;
  trace: TraceStep[];
  cb: Callback[];
  /**
   * Set by the resume that claimed the journey and is running it; cleared when it suspends
   * again (a fresh record) or finishes (deleted). A resume that reads a busy record loses.
   */
  busy?: 1;
  hdr?: string;
  stg?: string;
  meta?: JsonObject;
}

/** What a journey holds while it runs. */
interface Live {
  id: string;
  flow: CompiledFlow;
  node: string;
  startedAt: number;
  steps: number;
  state: JsonObject;
  secrets: Record<string, Record<string, string>>;
  par: PushedInfo | undefined;
  params: Record<string, string>;
  client: ClientInfo | undefined;
  effects: EffectLog;
  trace: TraceStep[];
  meta: JsonObject | undefined;
  /** Revision in the store; null when never persisted. */
  revision: number | null;
}

/** A loggable line for whatever a node threw; a hostile value (no prototype, a throwing toString) must not throw here. */
function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return `a thrown ${typeof error} that cannot be shown`;
  }
}

/** A frozen object whose methods call the store's own: what nodes see of one store. */
function facade<T extends object>(store: T): T {
  const methods: Record<string, unknown> = {};
  for (let proto: object | null = store; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (store as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in methods) && typeof value === 'function')
        methods[key] = (...args: unknown[]) => ((store as Record<string, unknown>)[key] as (...a: unknown[]) => unknown).apply(store, args);
    }
  }
  return Object.freeze(methods) as T;
}

function storeFacades(stores: Stores): Stores {
  return Object.freeze(Object.fromEntries(Object.entries(stores).map(([name, store]) => [name, facade(store as object)]))) as unknown as Stores;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const now = () => performance.now();

// Journey ids: 128 random bits, drawn from a pool refilled 256 ids at a time (one
// randomBytes call per 256 journeys instead of one per journey).
let idPool = Buffer.alloc(0);
let idOffset = 0;
function newId(): string {
  if (idOffset >= idPool.length) {
    idPool = randomBytes(16 * 256);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + 16);
  idOffset += 16;
  return id;
}

/**
 * Compiles flows once per version and runs journeys: start, suspend, resume, finish.
 *
 * @example
 * const engine = await createEngine({ nodes: builtinNodes });
 * engine.load(JSON.parse(readFileSync('flows/login.json', 'utf8')));
 * const result = await engine.start('login', { request: { ip: '127.0.0.1', headers: {}, cookies: {}, userAgent: undefined } });
 */
export class Engine {
  readonly registry: NodeRegistry;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: Readonly<EngineLimits>;
  readonly #services: Services;
  readonly #sealer: Sealer;
  readonly #flows = new Map<string, Map<number, CompiledFlow>>();
  readonly #latest = new Map<string, CompiledFlow>();
  readonly #listeners: ((event: JourneyEvent) => void)[] = [];

  constructor(options: EngineOptions = {}, registry = new NodeRegistry()) {
    this.registry = registry;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    // Frozen: nodes reach this object through ctx.services.stores and must not swap a store for every journey.
    this.stores = Object.freeze({ ...createMemoryStores(this.clock), ...(options.stores ?? {}) }) as Stores;
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...(options.limits ?? {}) });
    for (const [key, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value <= 0)
        throw new WaymarkError('ERR_CONFIG_INVALID', `limits.${key} must be a positive integer (default ${String(DEFAULT_LIMITS[key as keyof EngineLimits])})`, {
          key: `limits.${key}`,
        });
    }
    this.#services = Object.freeze({
      ...(options.services ?? {}),
      // Nodes get frozen facades: patching `clock.now` or a store method must not change them for everyone.
      clock: Object.freeze({ now: () => this.clock.now() }),
      stores: storeFacades(this.stores),
      logger: this.logger,
      fetch: options.fetch ?? globalThis.fetch,
    }) as Services;
    this.#sealer = options.secretKeys ? new Sealer(options.secretKeys) : Sealer.ephemeral();
    if (options.nodes) registry.registerAll(options.nodes, 'inline');
  }

  /** Subscribes to journey events; returns the unsubscribe function. */
  on(listener: (event: JourneyEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i !== -1) this.#listeners.splice(i, 1);
    };
  }

  #emit(event: JourneyEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('journey event listener threw', { event: event.type, error: String(error) });
      }
    }
  }

  /**
   * Validates and compiles a flow (once per version) and makes it the latest of its id.
   * Throws FlowInvalidError (ERR_FLOW_INVALID) with every problem.
   */
  load(input: unknown, label?: string): CompiledFlow {
    const result = validateFlow(input, this.registry);
    if (!result.ok) {
      const id = (input as { id?: unknown } | null)?.id;
      throw new FlowInvalidError(label ?? (typeof id === 'string' ? id : 'flow'), result.problems);
    }
    const flow = result.flow as Flow;
    const compiled = compileFlow(flow, result.configs, (type) => this.registry.get(type)!);
    let versions = this.#flows.get(flow.id);
    if (!versions) this.#flows.set(flow.id, (versions = new Map()));
    versions.set(flow.version, compiled);
    const latest = this.#latest.get(flow.id);
    if (!latest || latest.version <= flow.version) this.#latest.set(flow.id, compiled);
    return compiled;
  }

  /** Loads every `*.json` in a directory; reports all invalid files at once. */
  loadDirectory(dir: string): CompiledFlow[] {
    const loaded: CompiledFlow[] = [];
    const problems: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      try {
        loaded.push(this.load(JSON.parse(readFileSync(join(dir, file), 'utf8')), join(dir, file)));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length > 0) throw new WaymarkError('ERR_FLOW_INVALID', problems.join('\n'), { dir });
    return loaded;
  }

  /** A loaded flow: the latest version, or the one asked for. */
  flow(id: string, version?: number): CompiledFlow | undefined {
    return version === undefined ? this.#latest.get(id) : this.#flows.get(id)?.get(version);
  }

  flowIds(): string[] {
    return [...this.#latest.keys()];
  }

  /** Starts a journey of the latest (or the given) version of a flow and runs it until it ends or suspends. */
  async start(flowId: string, input: StartInput): Promise<JourneyResult> {
    const flow = this.flow(flowId, input.version);
    if (!flow)
      throw new WaymarkError(CORE_ERRORS.ERR_FLOW_NOT_FOUND, `no flow "${flowId}"${input.version ? ` version ${input.version}` : ''} is loaded`, {
        flowId,
      });
    const live: Live = {
      id: newId(),
      flow,
      node: flow.start,
      startedAt: this.clock.now(),
      steps: 0,
      state: input.state ? structuredClone(input.state) : {},
      secrets: {},
      par: input.par,
      // Copied and frozen once: the run scope hands this very object to nodes (no second copy).
      params: Object.freeze({ ...(input.params ?? input.par?.params ?? {}) }),
      client: input.client,
      effects: { cookies: [] },
      trace: [],
      meta: input.meta,
      revision: null,
    };
    if (this.#listeners.length > 0)
      this.#emit({ type: 'journey.started', journeyId: live.id, flowId: flow.id, flowVersion: flow.version, at: live.startedAt });
    return this.#run(live, input.request, undefined);
  }

  /**
   * Resumes a suspended journey with the submitted callbacks. Compare-and-set: of concurrent
   * resumes of one journey exactly one advances; the others get ERR_JOURNEY_CONFLICT before
   * any node runs.
   */
  async resume(journeyId: string, input: ResumeInput): Promise<JourneyResult> {
    const { live, pending, revision } = await this.#restore(journeyId);
    const submitted = this.#applySubmission(pending, input.callbacks);
    // Claim the journey: bump the revision before running anything, so a concurrent resume loses here.
    const claimed = await this.stores.journeys.put(journeyId, await this.#serialise(live, pending, undefined, undefined, true), revision, this.#ttl(live.flow));
    if (claimed === false) throw new WaymarkError(CORE_ERRORS.ERR_JOURNEY_CONFLICT, 'this journey was already continued by another request', { journeyId });
    live.revision = claimed;
    return this.#run(live, input.request, submitted);
  }

  /** The callbacks a suspended journey waits for (to render its page again), or undefined. */
  async pending(journeyId: string): Promise<{ flowId: string; flowVersion: number; callbacks: Callback[]; header?: string; stage?: string; meta?: JsonObject } | undefined> {
    const stored = await this.stores.journeys.get(journeyId);
    if (!stored) return undefined;
    const record = JSON.parse(stored.value) as JourneyRecord;
    return { flowId: record.f, flowVersion: record.fv, callbacks: record.cb, header: record.hdr, stage: record.stg, meta: record.meta };
  }

  /** Drops a suspended journey (a user cancelled, a client aborted). */
  async cancel(journeyId: string): Promise<void> {
    await this.stores.journeys.delete(journeyId);
  }

  async #restore(journeyId: string): Promise<{ live: Live; pending: Callback[]; revision: number }> {
    const stored = typeof journeyId === 'string' && journeyId.length <= 64 ? await this.stores.journeys.get(journeyId) : undefined;
    if (!stored) throw new WaymarkError(CORE_ERRORS.ERR_JOURNEY_NOT_FOUND, 'no such journey: it finished, expired, or never existed; start again', {});
    const record = JSON.parse(stored.value) as JourneyRecord;
    // Another resume claimed this journey and is running it: this one loses, before any node runs.
    if (record.busy) throw new WaymarkError(CORE_ERRORS.ERR_JOURNEY_CONFLICT, 'this journey was already continued by another request', { journeyId });
    const flow = this.flow(record.f, record.fv);
    if (!flow)
      throw new WaymarkError(CORE_ERRORS.ERR_FLOW_NOT_FOUND, `journey is pinned to flow "${record.f}" version ${record.fv}, which this engine has not loaded`, {
        flowId: record.f,
        flowVersion: record.fv,
      });
    const opened = record.sealed
      ? (JSON.parse(this.#sealer.open(record.sealed, record.id)) as { s: Live['secrets']; p?: PushedInfo; q: Record<string, string> })
      : { s: {}, p: undefined, q: {} };
    return {
      live: {
        id: record.id,
        flow,
        node: record.n,
        startedAt: record.at,
        steps: record.steps,
        state: record.state,
        secrets: opened.s,
        par: opened.p,
        params: opened.q,
        client: record.client,
        effects: record.fx,
        trace: record.trace,
        meta: record.meta,
        revision: stored.revision,
      },
      pending: record.cb,
      revision: stored.revision,
    };
  }

  /** Takes only input values from the submission; what the node showed comes from the record. */
  #applySubmission(pending: Callback[], submitted: unknown): Callback[] {
    const invalid = (message: string) => new WaymarkError(CORE_ERRORS.ERR_SUBMISSION_INVALID, message, {});
    if (!Array.isArray(submitted) || submitted.length !== pending.length)
      throw invalid(`submit exactly the ${pending.length} callback(s) this step asked for, in order`);
    return pending.map((callback, i) => {
      const answer = submitted[i] as { type?: unknown; input?: unknown } | null;
      if (!answer || typeof answer !== 'object' || answer.type !== callback.type)
        throw invalid(`callbacks[${i}] must be the ${callback.type} this step asked for`);
      const inputs = Array.isArray(answer.input) ? (answer.input as { name?: unknown; value?: unknown }[]) : [];
      return {
        type: callback.type,
        output: callback.output,
        input: callback.input.map((field, j) => {
          const given = inputs.find((f) => f?.name === field.name) ?? inputs[j];
          const value = given?.value ?? field.value;
          if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
            throw invalid(`callbacks[${i}].input[${j}].value must be a string, number or boolean`);
          if (typeof value === 'string' && value.length > this.limits.maxInputLength)
            throw invalid(`callbacks[${i}].input[${j}].value is longer than ${this.limits.maxInputLength} characters`);
          return { name: field.name, value };
        }),
      };
    });
  }

  #ttl(flow: CompiledFlow): number {
    return flow.flow.timeout ?? this.limits.journeyTtlSeconds;
  }

  async #serialise(live: Live, callbacks: Callback[], header: string | undefined, stage: string | undefined, busy = false): Promise<string> {
    const hasSealed = Object.keys(live.secrets).length > 0 || live.par !== undefined || Object.keys(live.params).length > 0;
    const record: JourneyRecord = {
      id: live.id,
      f: live.flow.id,
      fv: live.flow.version,
      n: live.node,
      at: live.startedAt,
      steps: live.steps,
      state: live.state,
      sealed: hasSealed ? this.#sealer.seal(JSON.stringify({ s: live.secrets, p: live.par, q: live.params }), live.id) : undefined,
      client: live.client,
      fx: live.effects,
      trace: live.trace,
      cb: callbacks,
      hdr: header,
      stg: stage,
      meta: live.meta,
      busy: busy ? 1 : undefined,
    };
    return JSON.stringify(record);
  }

  async #run(live: Live, request: RequestInfo, submitted: Callback[] | undefined): Promise<JourneyResult> {
    const scope: RunScope = createRunScope({
      request,
      par: live.par,
      params: live.params,
      client: live.client,
      services: this.#services,
      effects: live.effects,
    });
    const watchdog = new Watchdog();
    try {
      return await this.#loop(live, scope, submitted, watchdog);
    } finally {
      watchdog.stop();
    }
  }

  async #loop(live: Live, scope: RunScope, submitted: Callback[] | undefined, watchdog: Watchdog): Promise<JourneyResult> {
    const flow = live.flow;
    const maxSteps = flow.flow.limits?.maxSteps ?? this.limits.maxSteps;
    const listening = this.#listeners.length > 0;
    let nodeId = live.node;
    let callbacks = submitted;
    for (;;) {
      if (nodeId === 'success' || nodeId === 'failure') return this.#finish(live, nodeId === 'success', CORE_ERRORS.ERR_JOURNEY_FAILED);
      if (live.steps >= maxSteps)
        return this.#finish(live, false, CORE_ERRORS.ERR_JOURNEY_MAX_STEPS, `the journey took more than ${maxSteps} steps (loop guard)`);
      const node = flow.nodes.get(nodeId) as CompiledNode;
      live.steps++;
      live.node = nodeId;
      const secrets = (live.secrets[node.namespace] ??= {});
      watchdog.begin();
      const ctx = stepContext(
        scope,
        { id: live.id, flowId: flow.id, flowVersion: flow.version, nodeId, startedAt: live.startedAt },
        live.state,
        secrets,
        callbacks,
        watchdog.signal,
      );
      callbacks = undefined;
      const t0 = now();
      let execution = executeNode(node.type, ctx, node.config, node.timeoutMs ?? this.limits.nodeTimeoutMs, watchdog, t0);
      if (execution instanceof Promise) execution = await execution;
      const ms = now() - t0;
      if (execution.kind === 'suspend') return this.#suspend(live, node, execution, ms);
      const step = this.#outcomeOf(node, execution, live);
      if ('code' in step) return this.#finish(live, false, step.code, step.reason);
      const traceStep: TraceStep = step.reason === undefined ? { node: nodeId, type: node.type.type, outcome: step.outcome, ms } : { node: nodeId, type: node.type.type, outcome: step.outcome, ms, reason: step.reason };
      live.trace.push(traceStep);
      if (listening) this.#emit({ type: 'journey.step', journeyId: live.id, flowId: flow.id, flowVersion: flow.version, step: traceStep, at: this.clock.now() });
      nodeId = flow.table[nodeId]![step.outcome]!;
    }
  }

  /** Maps an execution to the outcome to follow, or ends the journey with a coded failure. */
  #outcomeOf(
    node: CompiledNode,
    execution: Exclude<Execution, { kind: 'suspend' }>,
    live: Live,
  ): { outcome: string; reason?: string } | { code: string; reason: string } {
    switch (execution.kind) {
      case 'outcome':
        if (node.declared.has(execution.outcome) || (execution.outcome === 'error' && 'error' in node.outcomes)) return execution;
        this.logger.error('node returned an undeclared outcome', { journeyId: live.id, node: node.id, type: node.type.type, outcome: execution.outcome });
        if ('error' in node.outcomes) return { outcome: 'error', reason: 'undeclared_outcome' };
        return { code: CORE_ERRORS.ERR_NODE_OUTCOME, reason: `node ${node.id} (${node.type.type}) returned an outcome its type does not declare` };
      case 'timeout':
        if ('timeout' in node.outcomes) return { outcome: 'timeout', reason: 'timeout' };
        return { code: CORE_ERRORS.ERR_NODE_TIMEOUT, reason: `node ${node.id} (${node.type.type}) did not answer in time` };
      case 'error': {
        const error = execution.error;
        this.logger.error('node threw', {
          journeyId: live.id,
          node: node.id,
          type: node.type.type,
          code: error instanceof WaymarkError ? error.code : undefined,
          error: this.#redact(describeThrown(error), live),
        });
        if ('error' in node.outcomes) return { outcome: 'error', reason: error instanceof WaymarkError ? error.code : 'thrown' };
        return { code: CORE_ERRORS.ERR_NODE_FAILED, reason: `node ${node.id} (${node.type.type}) failed` };
      }
    }
  }

  /** Removes every secret value and pushed parameter value from a string bound for a log. */
  #redact(text: string, live: Live): string {
    let out = text;
    const values = [...Object.values(live.secrets).flatMap((s) => Object.values(s)), ...Object.values(live.params), ...Object.values(live.par?.params ?? {})];
    for (const v of values) if (typeof v === 'string' && v.length >= 6) out = out.split(v).join('[redacted]');
    return out;
  }

  async #suspend(live: Live, node: CompiledNode, execution: Extract<Execution, { kind: 'suspend' }>, ms: number): Promise<JourneyResult> {
    // AIC numbering: the first input of callback i is IDToken<i+1>.
    const callbacks: Callback[] = execution.callbacks.map((cb, i) => ({
      type: cb.type,
      output: cb.output.map((f) => ({ name: f.name, value: f.value })),
      input: cb.input.map((f, j) => ({ name: j === 0 ? `IDToken${i + 1}` : `IDToken${i + 1}_${j}`, value: f.value })),
    }));
    const traceStep: TraceStep = { node: node.id, type: node.type.type, outcome: 'suspended', ms };
    live.trace.push(traceStep);
    const value = await this.#serialise(live, callbacks, execution.header, execution.stage);
    if (Buffer.byteLength(value) > (live.flow.flow.limits?.maxPersistedBytes ?? this.limits.maxPersistedBytes)) {
      live.trace.pop();
      return this.#finish(live, false, CORE_ERRORS.ERR_JOURNEY_TOO_LARGE, 'the journey grew past its persisted size limit');
    }
    const revision = await this.stores.journeys.put(live.id, value, live.revision, this.#ttl(live.flow));
    if (revision === false) throw new WaymarkError(CORE_ERRORS.ERR_JOURNEY_CONFLICT, 'this journey was already continued by another request', { journeyId: live.id });
    live.revision = revision;
    if (this.#listeners.length > 0) {
      const base = { journeyId: live.id, flowId: live.flow.id, flowVersion: live.flow.version, at: this.clock.now() };
      this.#emit({ type: 'journey.step', ...base, step: traceStep });
      this.#emit({ type: 'journey.suspended', ...base, node: node.id });
    }
    const result: JourneyResult = {
      status: 'suspended',
      journeyId: live.id,
      flowId: live.flow.id,
      flowVersion: live.flow.version,
      trace: live.trace,
      cookies: live.effects.cookies.filter((c) => c.value === null),
      callbacks,
    };
    if (execution.header !== undefined) result.header = execution.header;
    if (execution.stage !== undefined) result.stage = execution.stage;
    if (live.meta !== undefined) result.meta = live.meta;
    return result;
  }

  /** Ends the journey: drops its stored record, if it was ever suspended, then builds the result. */
  #finish(live: Live, success: boolean, code: string, reason?: string): SuccessResult | FailureResult | Promise<SuccessResult | FailureResult> {
    // A journey that never suspended has no record: nothing to wait for (most single-run flows).
    if (live.revision === null) return this.#ended(live, success, code, reason);
    return this.stores.journeys.delete(live.id).then(() => this.#ended(live, success, code, reason));
  }

  #ended(live: Live, success: boolean, code: string, reason?: string): SuccessResult | FailureResult {
    const base = { journeyId: live.id, flowId: live.flow.id, flowVersion: live.flow.version, trace: live.trace, state: live.state };
    if (this.#listeners.length > 0)
      this.#emit({
        type: 'journey.finished',
        journeyId: live.id,
        flowId: live.flow.id,
        flowVersion: live.flow.version,
        status: success ? 'success' : 'failure',
        ...(success ? {} : { code }),
        steps: live.steps,
        at: this.clock.now(),
      });
    if (success) {
      const result: SuccessResult = { status: 'success', ...base, cookies: live.effects.cookies };
      const sub = live.effects.session?.sub ?? (typeof live.state.sub === 'string' ? live.state.sub : undefined);
      if (sub !== undefined) result.sub = sub;
      if (live.effects.session) result.sessionId = live.effects.session.id;
      if (live.effects.redirect !== undefined) result.redirect = live.effects.redirect;
      if (live.meta !== undefined) result.meta = live.meta;
      return result;
    }
    const last = live.trace[live.trace.length - 1];
    const result: FailureResult = {
      status: 'failure',
      ...base,
      cookies: live.effects.cookies.filter((c) => c.value === null),
      code,
      reason: reason ?? (last ? `the flow ended in failure after ${last.node} (${last.outcome})` : 'the flow ended in failure'),
    };
    if (last?.reason !== undefined) result.nodeReason = last.reason;
    if (live.meta !== undefined) result.meta = live.meta;
    return result;
  }
}

/**
 * Creates an engine: registers the given node types, loads plugins by package name (a clash
 * or an SDK range the engine cannot honour stops here with a coded error).
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const engine = new Engine(options);
  if (options.plugins?.length) await loadPlugins(engine.registry, options.plugins, options.cwd);
  return engine;
}
