import {
  WaymarkError,
  type Callback,
  type Clock,
  type FlowStore,
  type JsonObject,
  type Logger,
  type RequestInfo,
  type Services,
  type Stores,
} from '@waymark/sdk';
import type { EngineLimits } from '../defaults.js';
import { CORE_ERRORS } from '../errors.js';
import type {
  FailureResult,
  JourneyEvent,
  JourneyResult,
  PushedResult,
  PushInput,
  RedeemInput,
  ResumeInput,
  StartInput,
  SubflowTrace,
  SuccessResult,
  TraceStep,
} from '../journey.js';
import { loadPlugins } from '../plugins.js';
import { NodeRegistry } from '../registry.js';
import { createMemoryStores, systemClock } from '../stores/memory/memory-stores.js';
import { Sweeper, TtlMap } from '../stores/memory/ttl-map.js';
import type { CompiledFlow, CompiledNode } from './compile.js';
import type { FlowVariables } from '../validate/variables.js';
import { createRunScope, stepContext, type RunScope } from './context.js';
import type { EngineOptions } from './engine-options.js';
import { JourneyEvents } from './events.js';
import { executeNode, Watchdog, type Execution } from './execute.js';
import { FlowLibrary, type LoadActivation } from './flow-library.js';
import { newJourneyId } from './journey-id.js';
import { openJourney, parseJourneyRecord, pendingStep, serialiseJourney, type PendingStep } from './journey-record.js';
import { engineLimits } from './limits.js';
import type { LiveJourney } from './live-journey.js';
import { outcomeOf } from './outcome.js';
import { pageChildRunner, runPage } from './page.js';
import { ParkedJourneys } from './parked-journeys.js';
import { IN_PROCESS_SUFFIX, openPushedJourney, sealPushedJourney } from './pushed-journey.js';
import { endedResult, suspendedResult } from './results.js';
import { Sealer } from './seal.js';
import { nodeServices, silentLogger } from './services.js';
import { applySubmission } from './submission.js';
import { flowRun, type FlowRunConfig } from './flow-run.js';
import { endCall, openCalls, startCall, type SubflowCall } from './subflow.js';
import { subflowCalls } from '../validate/index.js';

const now = () => performance.now();
const conflict = (journeyId: string) =>
  new WaymarkError(CORE_ERRORS.ERR_JOURNEY_CONFLICT, 'this journey was already continued by another request', { journeyId });
const notFound = () =>
  new WaymarkError(CORE_ERRORS.ERR_JOURNEY_NOT_FOUND, 'no such journey: it finished, expired, or never existed; start again', {});

/**
 * Errors a node may throw that no flow wiring may turn into an outcome: the caller must see
 * them and answer for them (503 `temporarily_unavailable` for a store that is down), not a
 * journey that "failed" and a user told they could not be signed in.
 */
const PROPAGATED_CODES: ReadonlySet<string> = new Set([CORE_ERRORS.ERR_STORE_UNAVAILABLE]);

function propagates(error: unknown): boolean {
  return error instanceof WaymarkError && PROPAGATED_CODES.has(error.code);
}

function frozenParams(params: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  if (params === undefined) return Object.freeze({});
  return Object.isFrozen(params) ? params : Object.freeze({ ...params });
}

/** What `Engine.syncFlows` did: the versions it made active, and the stored versions it refused. */
export interface FlowSyncReport {
  /** `{ id, version }` of each flow whose active version changed. */
  activated: { id: string; version: number }[];
  /** Stored versions that failed validation here (ERR_FLOW_INVALID with every problem): the running version keeps serving. */
  refused: { id: string; version: number; error: WaymarkError }[];
}

/** What one engine call ends with: a journey result, or (push phase only) a pushed journey. */
type RunResult = JourneyResult | PushedResult;
/** Not a push (false), or a push whose parked journey is sealed for the caller, or kept here (`PushInput.inProcess`). */
type PushMode = false | 'sealed' | 'in-process';

/** One flow of a journey being walked: the journey's own (depth 0, no call), or a subflow call's. */
interface Frame {
  flow: CompiledFlow;
  state: JsonObject;
  trace: TraceStep[];
  depth: number;
  call: SubflowCall | undefined;
}

/**
 * How a walk ended: a terminal; a failure (`failed` says which outcome a caller's `flow.run`
 * may catch it as; absent, no wiring may: the loop guard, the subflow depth); a suspension;
 * or (push phase, depth 0) a park before `node`.
 */
type WalkEnd =
  | { end: 'terminal'; success: boolean }
  | { end: 'failed'; code: string; reason: string; failed: { outcome: 'error' | 'timeout'; stepReason: string } | undefined }
  | { end: 'suspend'; callbacks: Extract<Execution, { kind: 'suspend' }> }
  | { end: 'park'; node: string };

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
  /** The variables flows' node configs are resolved with when loaded (`variables` option); undefined: none. */
  get variables(): FlowVariables | undefined {
    return this.#flows.variables;
  }
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: Readonly<EngineLimits>;
  readonly #services: Services;
  readonly #sealer: Sealer;
  readonly #flows: FlowLibrary;
  readonly #events: JourneyEvents;
  /** What this engine sealed at the end of a push phase, for it to redeem without decrypting (see parked-journeys.ts). */
  readonly #parked = new ParkedJourneys();
  /**
   * Journeys parked by a push with `inProcess`, as they are, by journey id, until redeemed or
   * their flow's timeout (swept on a timer as the memory stores are): the caller holds only a
   * reference (`<id>.in-process`).
   */
  readonly #inProcess: TtlMap<LiveJourney>;
  readonly #flowStore: FlowStore | undefined;
  /* One fetch per missing pinned version, however many resumes ask for it at once. */
  readonly #fetching = new Map<string, Promise<CompiledFlow | undefined>>();

  constructor(options: EngineOptions = {}, registry = new NodeRegistry()) {
    this.registry = registry;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    // Frozen: nodes reach this object through ctx.services.stores and must not swap a store for every journey.
    this.stores = Object.freeze({ ...createMemoryStores(this.clock), ...(options.stores ?? {}) }) as Stores;
    this.limits = engineLimits(options.limits);
    this.#services = nodeServices({
      extra: options.services,
      now: () => this.clock.now(),
      stores: this.stores,
      logger: this.logger,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.#sealer = options.secretKeys ? new Sealer(options.secretKeys) : Sealer.ephemeral();
    this.#inProcess = new TtlMap(this.clock, 1000, new Sweeper());
    this.#flows = new FlowLibrary(registry, options.variables);
    this.#events = new JourneyEvents(this.logger);
    this.#flowStore = options.flowStore;
    if (options.nodes) registry.registerAll(options.nodes.filter((n) => n !== flowRun), 'inline');
    // Core's own engine-level type; a foreign "flow.run" clashes (ERR_NODE_TYPE_CLASH).
    if (registry.get(flowRun.type) !== flowRun) registry.register(flowRun, 'builtin');
  }

  /** Subscribes to journey events; returns the unsubscribe function. */
  on(listener: (event: JourneyEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /**
   * Validates and compiles a flow (once per version). By default it becomes the active
   * version of its id (the one new journeys start on) unless a higher one is active;
   * `activation` `always` or `never` says otherwise. Throws FlowInvalidError
   * (ERR_FLOW_INVALID) with every problem.
   */
  load(input: unknown, label?: string, activation?: LoadActivation, batch?: readonly unknown[]): CompiledFlow {
    // `batch`: flows loaded together with this one (a `flow.run` may call one of them not loaded yet).
    return this.#flows.load(input, label, activation, batch);
  }

  /** Makes a loaded version the one new journeys start on; ERR_FLOW_NOT_FOUND when it is not loaded. */
  activate(id: string, version: number): void {
    if (!this.#flows.activate(id, version))
      throw new WaymarkError(CORE_ERRORS.ERR_FLOW_NOT_FOUND, `no flow "${id}" version ${version} is loaded`, {
        flowId: id,
        flowVersion: version,
      });
  }

  /**
   * Makes the flow store's active versions the ones new journeys start on, compiling each
   * once. A stored version that fails validation here is refused (in the report, with every
   * problem) and the version running before keeps serving. Journeys already running stay on
   * their version. Without a flow store it does nothing.
   *
   * @example
   * const { activated, refused } = await engine.syncFlows();
   */
  async syncFlows(): Promise<FlowSyncReport> {
    const report: FlowSyncReport = { activated: [], refused: [] };
    const store = this.#flowStore;
    if (!store) return report;
    const changed: { id: string; version: number; flow?: unknown }[] = [];
    for (const entry of await store.list()) {
      const { id, activeVersion: version } = entry;
      if (this.#flows.get(id)?.version === version) continue;
      if (this.#flows.get(id, version)) changed.push({ id, version });
      else {
        const record = await store.getVersion(id, version);
        if (record) changed.push({ id, version, flow: record.flow });
      }
    }
    // One batch: a flow may call (flow.run) another that this sync activates after it.
    const batch = changed.flatMap((c) => (c.flow === undefined ? [] : [c.flow]));
    await this.#pinnedCalls(batch);
    for (const { id, version, flow } of changed) {
      if (flow !== undefined) {
        try {
          this.#flows.load(flow, `${id}@${version}`, 'never', batch);
        } catch (error) {
          report.refused.push({
            id,
            version,
            error: error instanceof WaymarkError ? error : new WaymarkError(CORE_ERRORS.ERR_FLOW_INVALID, String(error)),
          });
          continue;
        }
      }
      this.#flows.activate(id, version);
      report.activated.push({ id, version });
    }
    return report;
  }

  /**
   * Compiles from the flow store the versions the batch's `flow.run` nodes pin and this engine
   * has not loaded (a pinned version need not be active). One that cannot be had is left to the
   * batch's load, which then names it (ERR_FLOW_SUBFLOW_NOT_FOUND).
   */
  async #pinnedCalls(batch: readonly unknown[]): Promise<void> {
    const inBatch = (id: string, version: number) =>
      batch.some((d) => (d as { id?: unknown }).id === id && (d as { version?: unknown }).version === version);
    for (const doc of batch)
      for (const call of subflowCalls(doc)) {
        if (call.version === undefined || inBatch(call.flow, call.version)) continue;
        await this.#pinned(call.flow, call.version).catch(() => undefined);
      }
  }

  /** A loaded version, or (with a flow store) the stored one compiled now; undefined when neither has it. */
  async #pinned(id: string, version: number): Promise<CompiledFlow | undefined> {
    const loaded = this.#flows.get(id, version);
    if (loaded || !this.#flowStore) return loaded;
    const key = `${id}@${version}`;
    let fetching = this.#fetching.get(key);
    if (!fetching) {
      const store = this.#flowStore;
      fetching = (async () => {
        const record = await store.getVersion(id, version);
        return record ? this.#flows.load(record.flow, key, 'never') : undefined;
      })().finally(() => this.#fetching.delete(key));
      this.#fetching.set(key, fetching);
    }
    return fetching;
  }

  /** Loads every `*.json` in a directory; reports all invalid files at once. */
  loadDirectory(dir: string): CompiledFlow[] {
    return this.#flows.loadDirectory(dir);
  }

  /** A loaded flow: the active version (the one new journeys start on), or the one asked for. */
  flow(id: string, version?: number): CompiledFlow | undefined {
    return this.#flows.get(id, version);
  }

  flowIds(): string[] {
    return this.#flows.ids();
  }

  /** Starts a journey of the active (or the given) version of a flow and runs it until it ends or suspends. */
  async start(flowId: string, input: StartInput): Promise<JourneyResult> {
    // Not the push phase: the run never parks, so its result is a journey result.
    return this.#run(this.#begin(flowId, input), input.request, undefined, false) as Promise<JourneyResult>;
  }

  /**
   * The push phase: starts a journey from a pushed authorization request (RFC 9126) before any
   * browser has come, and runs the nodes whose type opts in (`pushPhase: true`, such as
   * `token.validate`) until the first node that needs the browser, where the journey parks:
   * the result is `pushed`, with the journey sealed. A flow that reaches `failure` ends here
   * with a failure result, so the PAR endpoint can refuse the request at once (RFC 9126 §2.1
   * asks it to validate the request as the authorization endpoint would). A flow that reaches
   * `success` parks too: its cookies and redirect belong to the browser. A push-phase node that
   * asks for callbacks fails (there is nobody to answer). `input.request` is the PAR request.
   *
   * @example
   * const pushed = await engine.push('session-transfer', { request: parRequest, par, params, client });
   * if (pushed.status === 'pushed') store(pushed.sealed); // later: engine.redeem(sealed, { request: browserRequest })
   */
  async push(flowId: string, input: PushInput): Promise<PushedResult | FailureResult> {
    return this.#run(this.#begin(flowId, input), input.request, undefined, input.inProcess === true ? 'in-process' : 'sealed') as Promise<
      PushedResult | FailureResult
    >;
  }

  /**
   * Continues a pushed journey (`push`) with the browser's request, from the node it parked at,
   * until it ends or suspends, as `start` would have. Throws ERR_JOURNEY_NOT_FOUND once the
   * journey is older than its flow's timeout (or, pushed `inProcess`, once this engine no longer
   * holds it), ERR_JOURNEY_SEALED for a string this engine's keys did not seal,
   * ERR_FLOW_NOT_FOUND when its flow version is no longer loaded.
   */
  async redeem(sealed: string, input: RedeemInput): Promise<JourneyResult> {
    const live =
      typeof sealed === 'string' && sealed.endsWith(IN_PROCESS_SUFFIX) ? this.#takeInProcess(sealed) : await this.#openSealed(sealed);
    if (this.clock.now() >= live.startedAt + this.#ttl(live.flow) * 1000) throw notFound();
    return this.#run(live, input.request, undefined, false) as Promise<JourneyResult>;
  }

  /** A journey a push with `inProcess` left here, taken once; gone (redeemed, expired, another engine's) is not found. */
  #takeInProcess(reference: string): LiveJourney {
    const id = reference.slice(0, -IN_PROCESS_SUFFIX.length);
    const live = this.#inProcess.get(id);
    if (live === undefined) throw notFound();
    this.#inProcess.delete(id);
    return live;
  }

  async #openSealed(sealed: string): Promise<LiveJourney> {
    try {
      return openPushedJourney(sealed, this.#sealer, (id, version) => this.flow(id, version), this.#parked);
    } catch (error) {
      // Pinned to a version another process saved: compile it from the flow store, then open again.
      const pinned =
        error instanceof WaymarkError && error.code === CORE_ERRORS.ERR_FLOW_NOT_FOUND
          ? (error.details as { flowId: string; flowVersion: number })
          : undefined;
      if (!pinned || !(await this.#pinned(pinned.flowId, pinned.flowVersion))) throw error;
      return openPushedJourney(sealed, this.#sealer, (id, version) => this.flow(id, version), this.#parked);
    }
  }

  #begin(flowId: string, input: StartInput): LiveJourney {
    const flow = this.flow(flowId, input.version);
    if (!flow)
      throw new WaymarkError(
        CORE_ERRORS.ERR_FLOW_NOT_FOUND,
        `no flow "${flowId}"${input.version ? ` version ${input.version}` : ''} is loaded`,
        {
          flowId,
        },
      );
    const live: LiveJourney = {
      id: newJourneyId(),
      flow,
      node: flow.start,
      startedAt: this.clock.now(),
      steps: 0,
      state: input.state ? structuredClone(input.state) : {},
      secrets: {},
      par: input.par,
      // Frozen once (copied unless the caller froze it): the run scope hands this very object to nodes (no second copy).
      params: frozenParams(input.params ?? input.par?.params),
      client: input.client,
      effects: { cookies: [] },
      trace: [],
      meta: input.meta,
      revision: null,
    };
    if (this.#events.listening)
      this.#events.emit({
        type: 'journey.started',
        ...this.#context(live, input.request),
        journeyId: live.id,
        flowId: flow.id,
        flowVersion: flow.version,
        at: live.startedAt,
      });
    return live;
  }

  /**
   * Resumes a suspended journey with the submitted callbacks. Compare-and-set: of concurrent
   * resumes of one journey exactly one advances; the others get ERR_JOURNEY_CONFLICT before
   * any node runs.
   */
  async resume(journeyId: string, input: ResumeInput): Promise<JourneyResult> {
    const { live, pending, revision } = await this.#restore(journeyId);
    const submitted = applySubmission(pending, input.callbacks, this.limits.maxInputLength);
    // Claim the journey: bump the revision before running anything, so a concurrent resume loses here.
    const claimed = await this.stores.journeys.put(
      journeyId,
      serialiseJourney(live, pending, undefined, undefined, this.#sealer, true),
      revision,
      this.#ttl(live.flow),
    );
    if (claimed === false) throw conflict(journeyId);
    live.revision = claimed;
    return this.#run(live, input.request, submitted, false) as Promise<JourneyResult>;
  }

  /** The callbacks a suspended journey waits for (to render its page again), or undefined. */
  async pending(journeyId: string): Promise<PendingStep | undefined> {
    const stored = await this.stores.journeys.get(journeyId);
    if (!stored) return undefined;
    return pendingStep(parseJourneyRecord(stored.value));
  }

  /** Drops a suspended journey (a user cancelled, a client aborted). */
  async cancel(journeyId: string): Promise<void> {
    await this.stores.journeys.delete(journeyId);
  }

  async #restore(journeyId: string): Promise<{ live: LiveJourney; pending: Callback[]; revision: number }> {
    const stored = typeof journeyId === 'string' && journeyId.length <= 64 ? await this.stores.journeys.get(journeyId) : undefined;
    if (!stored) throw notFound();
    const record = parseJourneyRecord(stored.value);
    // Another resume claimed this journey and is running it: this one loses, before any node runs.
    if (record.busy) throw conflict(journeyId);
    const flow = await this.#pinned(record.f, record.fv);
    if (!flow)
      throw new WaymarkError(
        CORE_ERRORS.ERR_FLOW_NOT_FOUND,
        `journey is pinned to flow "${record.f}" version ${record.fv}, which this engine has not loaded${this.#flowStore ? ' and the flow store does not hold' : ''}`,
        {
          flowId: record.f,
          flowVersion: record.fv,
        },
      );
    const live = openJourney(record, flow, stored.revision, this.#sealer);
    if (record.sub) {
      // Suspended inside subflows: each call continues on the version it started on.
      const calls = await openCalls(record.sub, live.state, (id, version) => this.#pinned(id, version));
      if ('missing' in calls)
        throw new WaymarkError(
          CORE_ERRORS.ERR_FLOW_NOT_FOUND,
          `journey is inside flow "${calls.missing.flowId}" version ${calls.missing.flowVersion}, which this engine has not loaded`,
          calls.missing,
        );
      live.calls = calls;
    }
    return { live, pending: record.cb, revision: stored.revision };
  }

  #ttl(flow: CompiledFlow): number {
    return flow.flow.timeout ?? this.limits.journeyTtlSeconds;
  }

  async #run(live: LiveJourney, request: RequestInfo, submitted: Callback[] | undefined, push: PushMode): Promise<RunResult> {
    const scope: RunScope = createRunScope({
      request,
      par: live.par,
      params: live.params,
      client: live.client,
      services: this.#services,
      effects: live.effects,
      journeyId: live.id,
    });
    const watchdog = new Watchdog();
    try {
      return await this.#loop(live, scope, submitted, watchdog, push);
    } finally {
      watchdog.stop();
    }
  }

  async #loop(
    live: LiveJourney,
    scope: RunScope,
    submitted: Callback[] | undefined,
    watchdog: Watchdog,
    push: PushMode,
  ): Promise<RunResult> {
    const root: Frame = { flow: live.flow, state: live.state, trace: live.trace, depth: 0, call: undefined };
    const end = await this.#walk(live, root, scope, submitted, watchdog, push);
    switch (end.end) {
      case 'terminal':
        // The push phase never ends in success: the browser must come for the cookies and the redirect.
        if (push && end.success) return this.#park(live, 'success', scope.request, push);
        return this.#finish(live, end.success, CORE_ERRORS.ERR_JOURNEY_FAILED, undefined, scope.request);
      case 'failed':
        return this.#finish(live, false, end.code, end.reason, scope.request);
      case 'suspend':
        return this.#suspend(live, end.callbacks, scope.request);
      case 'park':
        return this.#park(live, end.node, scope.request, push || 'sealed');
    }
  }

  /**
   * Walks one flow of the journey (its own at depth 0, or a subflow call's) from where it
   * stands until it reaches a terminal, fails, suspends or (push phase) parks. Only depth-0
   * steps are events; a subflow's steps nest in its `flow.run` step.
   */
  async #walk(
    live: LiveJourney,
    frame: Frame,
    scope: RunScope,
    submitted: Callback[] | undefined,
    watchdog: Watchdog,
    push: PushMode,
  ): Promise<WalkEnd> {
    const flow = frame.flow;
    const maxSteps = live.flow.flow.limits?.maxSteps ?? this.limits.maxSteps;
    const listening = frame.depth === 0 && this.#events.listening;
    let nodeId = frame.call ? frame.call.node : live.node;
    let callbacks = submitted;
    for (;;) {
      if (nodeId === 'success' || nodeId === 'failure') return { end: 'terminal', success: nodeId === 'success' };
      const node = flow.nodes.get(nodeId) as CompiledNode;
      // A call that suspended is continued, not counted again (its child's node is).
      const continuing = node.type === flowRun && live.calls !== undefined && live.calls.length > frame.depth;
      if (live.steps >= maxSteps && !continuing)
        return this.#failed(
          frame,
          undefined,
          CORE_ERRORS.ERR_JOURNEY_MAX_STEPS,
          `the journey took more than ${maxSteps} steps (loop guard)`,
        );
      // The push phase stops before the first node that needs the browser.
      if (push && !node.type.pushPhase) return { end: 'park', node: nodeId };
      if (!continuing) live.steps++;
      if (frame.call) frame.call.node = nodeId;
      else live.node = nodeId;
      let execution: Execution;
      let ms: number;
      let subflow: SubflowTrace | undefined;
      // A page runs its children itself (engine/page.ts); their trace steps go under the page's.
      let children: TraceStep[] | undefined;
      if (node.type === flowRun) {
        const called = await this.#call(live, frame, node, scope, callbacks, watchdog);
        if ('end' in called) {
          // A failure no wiring may catch was traced at this node: a top-level step like any other.
          if (listening && called.end === 'failed') this.#emitStep(live, scope, frame.trace[frame.trace.length - 1]!);
          return called;
        }
        ({ execution, ms, subflow } = called);
        callbacks = undefined;
      } else if (node.page) {
        const given = callbacks;
        callbacks = undefined;
        const t0 = now();
        const journey = { id: live.id, flowId: flow.id, flowVersion: flow.version, nodeId, startedAt: live.startedAt };
        const ran = await runPage(node.page, nodeId, live, given, pageChildRunner(live, journey, frame.state, scope, watchdog, this.limits.nodeTimeoutMs));
        execution = ran.execution;
        children = ran.children;
        ms = now() - t0;
      } else {
        const secrets = (live.secrets[node.namespace] ??= {});
        watchdog.begin();
        const ctx = stepContext(
          scope,
          { id: live.id, flowId: flow.id, flowVersion: flow.version, nodeId, startedAt: live.startedAt },
          frame.state,
          secrets,
          callbacks,
          watchdog.signal,
        );
        callbacks = undefined;
        const t0 = now();
        const executed = executeNode(node.type, ctx, node.config, node.timeoutMs ?? this.limits.nodeTimeoutMs, watchdog, t0);
        execution = executed instanceof Promise ? await executed : executed;
        ms = now() - t0;
      }
      if (execution.kind === 'suspend') {
        if (!push) {
          const suspended: TraceStep = { node: node.id, type: node.type.type, outcome: 'suspended', ms };
          if (children) suspended.children = children;
          frame.trace.push(suspended);
          return { end: 'suspend', callbacks: execution };
        }
        execution = {
          kind: 'error',
          error: new Error(`node ${nodeId} (${node.type.type}) asked for callbacks in the push phase, where nobody can answer`),
        };
      }
      // A store that is down is the caller's to answer (503), whatever the flow wires: never a journey failure.
      if (execution.kind === 'error' && propagates(execution.error)) throw execution.error;
      const step = outcomeOf(node, execution, live, this.logger, scope.request.requestId);
      if ('code' in step) {
        // No outcome to follow: the node still shows in the trace, with the code the journey fails with.
        const failed: TraceStep = {
          node: nodeId,
          type: node.type.type,
          outcome: step.failed.outcome,
          ms,
          reason: step.failed.stepReason,
          code: step.code,
        };
        if (subflow) failed.subflow = subflow;
        if (children) failed.children = children;
        frame.trace.push(failed);
        if (listening) this.#emitStep(live, scope, failed);
        return { end: 'failed', code: step.code, reason: step.reason, failed: step.failed };
      }
      const traceStep: TraceStep =
        step.reason === undefined
          ? { node: nodeId, type: node.type.type, outcome: step.outcome, ms }
          : { node: nodeId, type: node.type.type, outcome: step.outcome, ms, reason: step.reason };
      if (subflow) traceStep.subflow = subflow;
      if (children) traceStep.children = children;
      frame.trace.push(traceStep);
      if (listening) this.#emitStep(live, scope, traceStep);
      nodeId = flow.table[nodeId]![step.outcome]!;
    }
  }

  /** A failure that no wiring turns into an outcome (the loop guard, the subflow depth): the whole journey fails. */
  #failed(frame: Frame, step: TraceStep | undefined, code: string, reason: string): WalkEnd {
    if (step) frame.trace.push(step);
    return { end: 'failed', code, reason, failed: undefined };
  }

  /**
   * Runs a `flow.run` node: starts its call (or continues the one a resume found), walks the
   * child, and turns how the child ended into this node's execution: `success` / `failure`,
   * `timeout` when a child node timed out unwired, `error` when one failed otherwise. A
   * suspension, and a failure no wiring may catch, end the caller's walk too.
   */
  async #call(
    live: LiveJourney,
    frame: Frame,
    node: CompiledNode,
    scope: RunScope,
    callbacks: Callback[] | undefined,
    watchdog: Watchdog,
  ): Promise<{ execution: Execution; ms: number; subflow: SubflowTrace } | WalkEnd> {
    const config = node.config as FlowRunConfig;
    const calls = (live.calls ??= []);
    let call = calls[frame.depth];
    if (!call) {
      const step: TraceStep = { node: node.id, type: node.type.type, outcome: 'error', ms: 0 };
      if (frame.depth + 1 > this.limits.maxSubflowDepth)
        return this.#failed(
          frame,
          { ...step, code: CORE_ERRORS.ERR_SUBFLOW_DEPTH },
          CORE_ERRORS.ERR_SUBFLOW_DEPTH,
          `node ${node.id} would nest subflows deeper than ${this.limits.maxSubflowDepth} (maxSubflowDepth)`,
        );
      const child = config.version === undefined ? this.flow(config.flow) : await this.#pinned(config.flow, config.version);
      if (!child)
        return this.#failed(
          frame,
          { ...step, code: CORE_ERRORS.ERR_FLOW_NOT_FOUND },
          CORE_ERRORS.ERR_FLOW_NOT_FOUND,
          `node ${node.id} runs flow "${config.flow}"${config.version === undefined ? '' : ` version ${config.version}`}, which is not loaded`,
        );
      const journey = { id: live.id, flowId: frame.flow.id, flowVersion: frame.flow.version, nodeId: node.id, startedAt: live.startedAt };
      // The refs `decision` reads, never secrets: the client by its id only.
      const client = scope.client && { clientId: scope.client.clientId };
      call = startCall(config, child, { state: frame.state, request: scope.request, params: scope.params, par: scope.par, client, journey });
      calls.push(call);
    }
    const child: Frame = { flow: call.flow, state: call.state, trace: [], depth: frame.depth + 1, call };
    const t0 = now();
    const end = await this.#walk(live, child, scope, callbacks, watchdog, false);
    const ms = now() - t0;
    const subflow: SubflowTrace = { flowId: call.flow.id, flowVersion: call.flow.version, trace: child.trace };
    if (end.end === 'suspend') {
      frame.trace.push({ node: node.id, type: node.type.type, outcome: 'suspended', ms, subflow });
      return end;
    }
    calls.length = frame.depth;
    if (end.end === 'terminal') {
      endCall(config, call, frame.state);
      return { execution: { kind: 'outcome', outcome: end.success ? 'success' : 'failure' }, ms, subflow };
    }
    if (end.end === 'failed' && end.failed !== undefined) {
      const execution: Execution =
        end.failed.outcome === 'timeout' ? { kind: 'timeout' } : { kind: 'error', error: new WaymarkError(end.code, end.reason) };
      return { execution, ms, subflow };
    }
    // The loop guard, the depth limit, a flow not loaded: the whole journey fails, the trace shows where.
    const code = end.end === 'failed' ? end.code : CORE_ERRORS.ERR_JOURNEY_FAILED;
    frame.trace.push({ node: node.id, type: node.type.type, outcome: 'error', ms, code, subflow });
    return end;
  }

  #emitStep(live: LiveJourney, scope: RunScope, step: TraceStep): void {
    this.#events.emit({
      type: 'journey.step',
      ...this.#context(live, scope.request),
      journeyId: live.id,
      flowId: live.flow.id,
      flowVersion: live.flow.version,
      step,
      at: this.clock.now(),
    });
  }

  async #suspend(live: LiveJourney, execution: Extract<Execution, { kind: 'suspend' }>, request: RequestInfo): Promise<JourneyResult> {
    // AIC numbering: the first input of callback i is IDToken<i+1>.
    const callbacks: Callback[] = execution.callbacks.map((cb, i) => ({
      type: cb.type,
      output: cb.output.map((f) => ({ name: f.name, value: f.value })),
      input: cb.input.map((f, j) => ({ name: j === 0 ? `IDToken${i + 1}` : `IDToken${i + 1}_${j}`, value: f.value })),
    }));
    // The suspended step, as the walk traced it (a `flow.run` step when a subflow's node suspended).
    const traceStep = live.trace[live.trace.length - 1]!;
    const value = serialiseJourney(live, callbacks, execution.header, execution.stage, this.#sealer, false, execution.description);
    if (Buffer.byteLength(value) > (live.flow.flow.limits?.maxPersistedBytes ?? this.limits.maxPersistedBytes)) {
      live.trace.pop();
      return this.#finish(live, false, CORE_ERRORS.ERR_JOURNEY_TOO_LARGE, 'the journey grew past its persisted size limit', request);
    }
    const revision = await this.stores.journeys.put(live.id, value, live.revision, this.#ttl(live.flow));
    if (revision === false) throw conflict(live.id);
    live.revision = revision;
    if (this.#events.listening) {
      const base = {
        ...this.#context(live, request),
        journeyId: live.id,
        flowId: live.flow.id,
        flowVersion: live.flow.version,
        at: this.clock.now(),
      };
      this.#events.emit({ type: 'journey.step', ...base, step: traceStep });
      this.#events.emit({ type: 'journey.suspended', ...base, node: live.node, startedAt: live.startedAt, trace: live.trace });
    }
    return suspendedResult(live, callbacks, execution.header, execution.stage, execution.description);
  }

  /**
   * Parks a journey at the end of its push phase: sealed, for the caller to keep until the
   * browser comes; or, pushed `inProcess`, kept here as it is (a copy of its trace, which the
   * result hands out), with a reference for the caller.
   */
  #park(
    live: LiveJourney,
    nodeId: string,
    request: RequestInfo,
    mode: 'sealed' | 'in-process',
  ): PushedResult | FailureResult | Promise<FailureResult> {
    live.node = nodeId;
    let sealed: string;
    if (mode === 'in-process') {
      sealed = `${live.id}${IN_PROCESS_SUFFIX}`;
      const left = live.startedAt + this.#ttl(live.flow) * 1000 - this.clock.now();
      this.#inProcess.set(live.id, { ...live, trace: live.trace.slice() }, left);
    } else {
      const kept = sealPushedJourney(live, this.#sealer);
      sealed = kept.sealed;
      if (Buffer.byteLength(sealed) > (live.flow.flow.limits?.maxPersistedBytes ?? this.limits.maxPersistedBytes))
        return this.#finish(live, false, CORE_ERRORS.ERR_JOURNEY_TOO_LARGE, 'the journey grew past its persisted size limit', request) as
          FailureResult | Promise<FailureResult>;
      this.#parked.keep(live.id, sealed, kept.text);
    }
    const result: PushedResult = {
      status: 'pushed',
      journeyId: live.id,
      flowId: live.flow.id,
      flowVersion: live.flow.version,
      trace: live.trace,
      sealed,
    };
    if (live.meta !== undefined) result.meta = live.meta;
    return result;
  }

  /** Ends the journey: drops its stored record, if it was ever suspended, then builds the result. */
  #finish(
    live: LiveJourney,
    success: boolean,
    code: string,
    reason: string | undefined,
    request: RequestInfo,
  ): SuccessResult | FailureResult | Promise<SuccessResult | FailureResult> {
    // A journey that never suspended has no record: nothing to wait for (most single-run flows).
    if (live.revision === null) return this.#ended(live, success, code, reason, request);
    return this.stores.journeys.delete(live.id).then(() => this.#ended(live, success, code, reason, request));
  }

  #ended(
    live: LiveJourney,
    success: boolean,
    code: string,
    reason: string | undefined,
    request: RequestInfo,
  ): SuccessResult | FailureResult {
    const result = endedResult(live, success, code, reason);
    if (this.#events.listening) {
      const event: Extract<JourneyEvent, { type: 'journey.finished' }> = {
        type: 'journey.finished',
        ...this.#context(live, request),
        journeyId: live.id,
        flowId: live.flow.id,
        flowVersion: live.flow.version,
        status: result.status,
        steps: live.steps,
        at: this.clock.now(),
        startedAt: live.startedAt,
        trace: live.trace,
        ip: request.ip,
      };
      if (request.userAgent !== undefined) event.userAgent = request.userAgent;
      const last = live.trace[live.trace.length - 1];
      if (last !== undefined) event.node = last.node;
      if (result.status === 'failure') {
        event.code = result.code;
        event.reason = result.reason;
        if (result.nodeReason !== undefined) event.nodeReason = result.nodeReason;
      } else {
        if (result.sub !== undefined) event.sub = result.sub;
        if (result.sessionId !== undefined) event.sessionCreated = true;
      }
      if (event.sub === undefined && typeof live.state.sub === 'string') event.sub = live.state.sub;
      this.#events.emit(event);
    }
    return result;
  }

  /** The request id and client id every event of this journey carries (only the keys that are known). */
  #context(live: LiveJourney, request: RequestInfo): { requestId?: string; client_id?: string } {
    const clientId =
      live.client?.clientId ?? live.par?.clientId ?? (typeof live.meta?.clientId === 'string' ? live.meta.clientId : undefined);
    if (request.requestId === undefined) return clientId === undefined ? {} : { client_id: clientId };
    return clientId === undefined ? { requestId: request.requestId } : { requestId: request.requestId, client_id: clientId };
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
