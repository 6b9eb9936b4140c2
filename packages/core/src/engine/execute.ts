import type { Callback, NodeContext, NodeResult, NodeType } from '@waymark/sdk';

/** The normalised result of running one node once. */
export type Execution =
  | { kind: 'outcome'; outcome: string; reason?: string }
  | { kind: 'suspend'; callbacks: Callback[]; header?: string; description?: string; stage?: string }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' };

const MALFORMED = 'node returned neither an outcome, { outcome }, nor ctx.suspend(…)';

function normalise(result: NodeResult): Execution {
  // A hostile result (a Proxy whose traps throw) must end as an error, not escape the engine.
  try {
    return shape(result);
  } catch (error) {
    return { kind: 'error', error };
  }
}

function shape(result: NodeResult): Execution {
  if (typeof result === 'string') return { kind: 'outcome', outcome: result };
  if (result && typeof result === 'object') {
    if ('suspend' in result && Array.isArray(result.suspend)) {
      return { kind: 'suspend', callbacks: result.suspend, header: result.header, description: result.description, stage: result.stage };
    }
    if ('outcome' in result && typeof result.outcome === 'string') {
      return result.reason === undefined
        ? { kind: 'outcome', outcome: result.outcome }
        : { kind: 'outcome', outcome: result.outcome, reason: String(result.reason) };
    }
  }
  return { kind: 'error', error: new TypeError(MALFORMED) };
}

/**
 * Per-node timeouts for one journey run, built for the engine's hot path: ONE timer per run,
 * armed at the first asynchronous step. Each step only records its deadline; when the timer
 * fires it checks the running step's deadline and re-arms for the remainder if the step is
 * younger. No setTimeout, clearTimeout or Promise.race per step. The abort signal a node
 * sees is created only if the node reads `ctx.signal`.
 */
export class Watchdog {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = 0;
  #deadline = 0;
  #settle: ((execution: Execution) => void) | undefined;
  #controller: AbortController | undefined;

  /** The current step's abort signal (lazily created). Bound once, handed to every step. */
  readonly signal = (): AbortSignal => (this.#controller ??= new AbortController()).signal;

  readonly #fire = () => {
    this.#timer = undefined;
    const settle = this.#settle;
    if (!settle) return; // nothing running: the next asynchronous step arms a new timer
    const left = this.#deadline - performance.now();
    if (left > 0.5) {
      this.#arm(left);
      return;
    }
    this.#settle = undefined;
    this.#controller?.abort();
    settle({ kind: 'timeout' });
  };

  #arm(ms: number): void {
    this.#timerDue = performance.now() + ms;
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(ms)));
  }

  /** Starts a step: a fresh abort controller (created on demand). */
  begin(): void {
    this.#controller = undefined;
  }

  wait(result: Promise<NodeResult>, startedAt: number, timeoutMs: number): Promise<Execution> {
    this.#deadline = startedAt + timeoutMs;
    if (this.#timer === undefined) this.#arm(timeoutMs);
    else if (this.#deadline < this.#timerDue) {
      clearTimeout(this.#timer);
      this.#arm(timeoutMs);
    }
    return new Promise<Execution>((resolve) => {
      this.#settle = resolve;
      result.then(
        (value) => {
          if (this.#settle !== resolve) return; // the timeout won
          this.#settle = undefined;
          resolve(normalise(value));
        },
        (error: unknown) => {
          if (this.#settle !== resolve) return;
          this.#settle = undefined;
          resolve({ kind: 'error', error });
        },
      );
    });
  }

  /** Disarms the timer; call when the run ends or suspends. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#settle = undefined;
  }
}

/**
 * Runs a node once. A synchronous result costs no timer; an asynchronous one races the
 * per-node timeout through the watchdog. A throw, a rejected promise or a malformed result is
 * an `error` execution: nothing a node does can take the process down.
 */
export function executeNode(
  node: NodeType<unknown>,
  ctx: NodeContext,
  config: unknown,
  timeoutMs: number,
  watchdog: Watchdog,
  startedAt: number = performance.now(),
): Execution | Promise<Execution> {
  let result: NodeResult | Promise<NodeResult>;
  try {
    result = node.run(ctx, config);
  } catch (error) {
    return { kind: 'error', error };
  }
  if (!(result instanceof Promise)) return normalise(result);
  return watchdog.wait(result, startedAt, timeoutMs);
}
