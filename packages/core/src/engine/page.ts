import { typeNamespace, WaymarkError, type Callback, type JourneyInfo, type JsonObject, type NodeType } from '@waymark/sdk';
import { CORE_ERRORS } from '../errors.js';
import type { TraceStep } from '../journey.js';
import { declaredOutcomes, type PageConfig } from '../validate/page.js';
import { stepContext, type RunScope } from './context.js';
import { executeNode, type Execution, type Watchdog } from './execute.js';
import type { LiveJourney } from './live-journey.js';

/*
 * The `page` node (AIC's Page Node): several input nodes shown as one step.
 *
 * - The children run in order. One that ends without asking passes (its outcome is kept for
 *   this visit of the page); the callbacks of those that ask are shown together, as one step,
 *   with the page's header, description and stage (else the first asking child's).
 * - On resume each child that asked gets back its own slice of the submitted callbacks and runs
 *   again. When one asks again (a refused input), the whole page is shown again: the children
 *   that accepted their answers are asked again with the values they were given (passwords
 *   blanked), so nothing typed is lost and every answer is judged on the next submit.
 * - When none asks, the page ends with its last child's outcome (and reason). A child that
 *   throws, times out, or ends in `error` ends the page at once in that execution, which the
 *   page's own `error` / `timeout` wiring decides; a child before the last that answers an
 *   outcome it does not declare is an ERR_NODE_OUTCOME error of the page.
 *
 * Between the step and its answer the progress (which child asked how many callbacks, which
 * passed with which outcome) is kept in the journey record (`pg`). Each child sees its own
 * type's secret namespace and `journey.nodeId` `<page id>/<child id>`.
 */

/** One child of a compiled page: its type resolved and its config defaulted. */
export interface PageChild {
  id: string;
  type: NodeType<unknown>;
  config: unknown;
  declared: ReadonlySet<string>;
  namespace: string;
  timeoutMs: number | undefined;
}

/** A page node compiled once per flow version. */
export interface CompiledPage {
  header?: string;
  description?: string;
  stage?: string;
  children: readonly PageChild[];
}

/** A child's part of a waiting page: it asked `asked` callbacks, or passed with the outcome `done`. */
export type ChildProgress = { asked: number } | { done: string };

/** A waiting page's progress, persisted with the journey. */
export interface PageProgress {
  node: string;
  children: ChildProgress[];
}

/** Compiles a validated page config (children's configs already defaulted by validation). */
export function compilePage(
  config: unknown,
  resolve: (type: string) => NodeType<unknown>,
  nodeTimeoutMs: number | undefined,
): CompiledPage {
  const page = config as PageConfig;
  const compiled: CompiledPage = {
    children: page.nodes.map((child) => {
      const type = resolve(child.type);
      return {
        id: child.id,
        type,
        config: child.config,
        declared: new Set(declaredOutcomes(type, child.config)),
        namespace: typeNamespace(type.type),
        timeoutMs: nodeTimeoutMs ?? type.timeoutMs,
      };
    }),
  };
  if (page.header !== undefined) compiled.header = page.header;
  if (page.description !== undefined) compiled.description = page.description;
  if (page.stage !== undefined) compiled.stage = page.stage;
  return compiled;
}

/** Runs one child of a page with its callbacks (undefined: first ask). */
export type RunChild = (child: PageChild, callbacks: Callback[] | undefined) => Execution | Promise<Execution>;

/** The engine's way to run a page's children: the step context and watchdog of a normal node. */
export function pageChildRunner(
  live: LiveJourney,
  journey: JourneyInfo,
  state: JsonObject,
  scope: RunScope,
  watchdog: Watchdog,
  defaultTimeoutMs: number,
): RunChild {
  return (child, callbacks) => {
    watchdog.begin();
    const ctx = stepContext(
      scope,
      { ...journey, nodeId: `${journey.nodeId}/${child.id}` },
      // The state of the flow the page is in: the journey's, or an isolated subflow call's.
      state,
      (live.secrets[child.namespace] ??= {}),
      callbacks,
      watchdog.signal,
    );
    return executeNode(child.type, ctx, child.config, child.timeoutMs ?? defaultTimeoutMs, watchdog);
  };
}

/** The callbacks a child accepted, to ask again: the values given, except a password's. */
function askedAgain(given: readonly Callback[]): Callback[] {
  return given.map((cb) => ({
    type: cb.type,
    output: cb.output,
    input: cb.input.map((f) => ({ name: f.name, value: /Password/.test(cb.type) ? '' : f.value })),
  }));
}

function childStep(child: PageChild, outcome: string, ms: number, reason?: string): TraceStep {
  const step: TraceStep = { node: child.id, type: child.type.type, outcome, ms };
  if (reason !== undefined) step.reason = reason;
  return step;
}

/**
 * Runs a page once: a first visit (`submitted` undefined) or a resume with the whole step's
 * submitted callbacks. Returns the page's execution and its children's trace steps; keeps the
 * progress in `live.page` while the page waits, and clears it when the page ends.
 */
export async function runPage(
  page: CompiledPage,
  nodeId: string,
  live: LiveJourney,
  submitted: Callback[] | undefined,
  run: RunChild,
): Promise<{ execution: Execution; children: TraceStep[] }> {
  const before = submitted !== undefined && live.page?.node === nodeId ? live.page.children : undefined;
  live.page = undefined;
  const children: TraceStep[] = [];
  if (submitted !== undefined && before === undefined)
    return { execution: { kind: 'error', error: new Error(`page ${nodeId} was resumed without its progress`) }, children };

  // Each child that asked gets back its own slice of the step, in order.
  const given: (Callback[] | undefined)[] = [];
  if (before !== undefined && submitted !== undefined) {
    let at = 0;
    before.forEach((progress, i) => {
      if ('asked' in progress) given[i] = submitted.slice(at, (at += progress.asked));
    });
  }

  const progress: ChildProgress[] = [];
  const asked: (Callback[] | undefined)[] = [];
  let header: string | undefined;
  let description: string | undefined;
  let stage: string | undefined;
  let reason: string | undefined;
  const last = page.children.length - 1;
  for (let i = 0; i <= last; i++) {
    const child = page.children[i]!;
    const kept = before?.[i];
    if (kept !== undefined && 'done' in kept) {
      progress[i] = kept; // passed earlier in this visit of the page
      continue;
    }
    const t0 = performance.now();
    let execution = run(child, given[i]);
    if (execution instanceof Promise) execution = await execution;
    const ms = performance.now() - t0;
    if (execution.kind === 'suspend') {
      children.push(childStep(child, 'suspended', ms));
      progress[i] = { asked: execution.callbacks.length };
      asked[i] = execution.callbacks;
      header ??= execution.header;
      description ??= execution.description;
      stage ??= execution.stage;
      continue;
    }
    if (execution.kind !== 'outcome') {
      children.push(childStep(child, execution.kind, ms));
      return { execution, children };
    }
    children.push(childStep(child, execution.outcome, ms, execution.reason));
    if (!child.declared.has(execution.outcome)) {
      // The last child's outcome is the page's (its wiring judges it); an earlier child's is not.
      if (i === last || execution.outcome === 'error') return { execution, children };
      const error = new WaymarkError(
        CORE_ERRORS.ERR_NODE_OUTCOME,
        `node ${child.id} (${child.type.type}) of page ${nodeId} returned an outcome its type does not declare`,
        { node: nodeId, child: child.id },
      );
      return { execution: { kind: 'error', error }, children };
    }
    progress[i] = { done: execution.outcome };
    if (i === last) reason = execution.reason;
  }

  if (asked.some((cbs) => cbs !== undefined)) {
    // Someone asks (again): the whole page is shown, with the answers others accepted.
    page.children.forEach((_, i) => {
      const answered = given[i];
      if (answered !== undefined && asked[i] === undefined) {
        asked[i] = askedAgain(answered);
        progress[i] = { asked: answered.length };
      }
    });
    live.page = { node: nodeId, children: progress };
    const execution: Execution = { kind: 'suspend', callbacks: asked.flatMap((cbs) => cbs ?? []) };
    const shownHeader = page.header ?? header;
    const shownDescription = page.description ?? description;
    const shownStage = page.stage ?? stage;
    if (shownHeader !== undefined) execution.header = shownHeader;
    if (shownDescription !== undefined) execution.description = shownDescription;
    if (shownStage !== undefined) execution.stage = shownStage;
    return { execution, children };
  }
  const outcome = (progress[last] as { done: string }).done;
  return { execution: reason === undefined ? { kind: 'outcome', outcome } : { kind: 'outcome', outcome, reason }, children };
}
