import {
  WaymarkError,
  type Callback,
  type ClientInfo,
  type JsonObject,
  type Logger,
  type NodeType,
  type PushedInfo,
  type RequestInfo,
} from '@waymark/sdk';
import { createEngine, type Engine, type EngineLimits, type JourneyResult, type TraceStep } from '@waymark/core';
import { answerCallbacks, type AnswerValue } from './answer.js';
import { testClock, type TestClock } from './test-clock.js';
import { TESTING_ERRORS } from './errors.js';

/** A request as a test writes it: every field optional, header names in any case. */
export interface TestRequest {
  ip?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  userAgent?: string;
}

/**
 * One scripted answer to one suspension of the journey.
 *
 * - `expect`: the callback types the step must ask for, in order (checked before answering).
 * - `answer`: one value per callback that takes input (see `answerCallbacks`), or a function
 *   that builds the submitted callbacks itself. Leave it out to stop at this suspension: the
 *   run then ends with status `suspended`.
 * - `advance`: milliseconds to move the test clock before answering (an OTP that expires, a
 *   user who walks away).
 * - `request`: the request of this submit (default: the run's request).
 */
export interface ScriptStep {
  expect?: readonly string[];
  answer?: readonly (AnswerValue | readonly AnswerValue[])[] | ((callbacks: Callback[]) => Callback[]);
  advance?: number;
  request?: TestRequest;
}

export interface RunFlowOptions {
  /** The flows the flow runs through `flow.run` (loaded first, calling each other as they may). */
  subflows?: readonly unknown[];
  /** Node types the flow uses (built-ins, your own). */
  nodes?: readonly NodeType<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- config types vary per node
  /** Plugin package names, resolved from `cwd`, loaded as the engine would at start-up. */
  plugins?: readonly string[];
  cwd?: string;
  /** Extra services (users, riskProvider, notifier…). Clock, stores and logger are the test's. */
  services?: Record<string, unknown>;
  /** The request that starts the journey; also answers each step unless the step has its own. */
  request?: TestRequest;
  par?: PushedInfo;
  params?: Record<string, string>;
  client?: ClientInfo;
  state?: JsonObject;
  /** Default: a fresh `testClock()`; pass yours to move time between steps yourself. */
  clock?: TestClock;
  limits?: Partial<EngineLimits>;
}

export interface RunFlowResult {
  status: JourneyResult['status'];
  /** The node ids the journey went through, in order (a node that suspended and then answered counts once). */
  path: string[];
  /** The outcome each node of `path` took (`suspended` for the node a stopped run waits at). */
  outcomes: string[];
  /** The engine's trace, suspensions included. */
  trace: TraceStep[];
  /** The callbacks of each suspension, in order. */
  suspensions: Callback[][];
  /** The last result the engine gave (success, failure, or the suspension the script stopped at). */
  result: JourneyResult;
  /** Everything nodes and the engine logged. */
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
  /** The engine, to look into its stores after the run. */
  engine: Engine;
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new WaymarkError(TESTING_ERRORS.ERR_TESTING_SCRIPT, `runFlow: ${message}`, details);
}

function toRequest(request: TestRequest | undefined): RequestInfo {
  const headers = Object.fromEntries(Object.entries(request?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    ip: request?.ip ?? '127.0.0.1',
    headers,
    cookies: request?.cookies ?? {},
    userAgent: request?.userAgent ?? headers['user-agent'],
  };
}

/** Where the journey waits: the last trace step, which is its suspension. */
function waitingAt(result: JourneyResult): string {
  return result.trace[result.trace.length - 1]?.node ?? '?';
}

/**
 * Plays a whole journey: loads `flow` into an engine with memory stores and a test clock,
 * starts it, answers each suspension from `script` in order, and tells which way it went.
 * A suspension the script did not expect, a step asking other callbacks than `expect` says,
 * or answers left over when the journey ends throw `ERR_TESTING_SCRIPT`, naming the node.
 *
 * @example
 * const run = await runFlow(loginFlow, [{ expect: ['NameCallback', 'PasswordCallback'], answer: ['ada', 'secret'] }], { nodes: builtinNodes });
 * expect(run.path).toEqual(['collect', 'verify']);
 * expect(run.status).toBe('success');
 */
export async function runFlow(flow: unknown, script: readonly ScriptStep[] = [], options: RunFlowOptions = {}): Promise<RunFlowResult> {
  const clock = options.clock ?? testClock();
  const logs: RunFlowResult['logs'] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const engine = await createEngine({
    nodes: options.nodes ?? [],
    plugins: options.plugins ?? [],
    cwd: options.cwd,
    clock,
    logger,
    services: options.services,
    limits: options.limits,
  });
  // Loaded as one batch (a directory would be): the subflows first, each may call another.
  const batch = [...(options.subflows ?? []), flow];
  for (const sub of options.subflows ?? []) engine.load(sub, undefined, undefined, batch);
  const compiled = engine.load(flow, undefined, undefined, batch);
  const request = toRequest(options.request);
  const suspensions: Callback[][] = [];
  let result = await engine.start(compiled.id, {
    request,
    par: options.par,
    params: options.params,
    client: options.client,
    state: options.state,
    version: compiled.version,
  });
  let stoppedEarly = false;
  for (let i = 0; result.status === 'suspended'; i++) {
    suspensions.push(result.callbacks);
    const step = script[i];
    const asked = result.callbacks.map((cb) => cb.type);
    if (step === undefined)
      fail(
        `the journey suspended at "${waitingAt(result)}" asking for [${asked.join(', ')}], but the script has no step ${i + 1}: add one`,
        {
          node: waitingAt(result),
          asked,
        },
      );
    if (step.expect !== undefined && (step.expect.length !== asked.length || step.expect.some((t, j) => t !== asked[j])))
      fail(`step ${i + 1}: "${waitingAt(result)}" asked for [${asked.join(', ')}], the script expected [${step.expect.join(', ')}]`, {
        node: waitingAt(result),
        asked,
        expected: step.expect,
      });
    if (step.answer === undefined) {
      if (i !== script.length - 1)
        fail(`step ${i + 1} has no answer, so the run stops there, but ${script.length - i - 1} step(s) follow it`);
      stoppedEarly = true;
      break;
    }
    if (step.advance !== undefined) clock.advance(step.advance);
    const submitted =
      typeof step.answer === 'function' ? step.answer(structuredClone(result.callbacks)) : answerCallbacks(result.callbacks, step.answer);
    result = await engine.resume(result.journeyId, { callbacks: submitted, request: step.request ? toRequest(step.request) : request });
  }
  if (!stoppedEarly && suspensions.length < script.length)
    fail(
      `the journey ended (${result.status}) after ${suspensions.length} suspension(s), but the script has ${script.length} step(s): remove the extra ones`,
      {
        status: result.status,
      },
    );
  const done = result.trace.filter((s) => s.outcome !== 'suspended');
  const path = done.map((s) => s.node);
  const outcomes = done.map((s) => s.outcome);
  if (result.status === 'suspended') {
    path.push(waitingAt(result));
    outcomes.push('suspended');
  }
  return { status: result.status, path, outcomes, trace: result.trace, suspensions, result, logs, engine };
}
