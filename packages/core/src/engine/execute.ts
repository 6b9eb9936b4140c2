import type { NodeContext, NodeResult, NodeType } from '@waymark/sdk';

/** The normalised result of running one node once. */
export type Execution =
  | { kind: 'outcome'; outcome: string; reason?: string }
  | { kind: 'suspend'; callbacks: NodeContext['callbacks'] & object; header?: string; stage?: string }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' };

function normalise(result: NodeResult): Execution {
  if (typeof result === 'string') return { kind: 'outcome', outcome: result };
  if (result && typeof result === 'object') {
    if ('suspend' in result && Array.isArray(result.suspend)) {
      return { kind: 'suspend', callbacks: result.suspend, header: result.header, stage: result.stage };
    }
    if ('outcome' in result && typeof result.outcome === 'string') {
      return result.reason === undefined
        ? { kind: 'outcome', outcome: result.outcome }
        : { kind: 'outcome', outcome: result.outcome, reason: String(result.reason) };
    }
  }
  return { kind: 'error', error: new TypeError('node returned neither an outcome, { outcome }, nor ctx.suspend(…)') };
}

/**
 * Runs a node once. A synchronous result costs no timer; an asynchronous one races the
 * per-node timeout, and the context's signal (created lazily by the caller) is aborted when
 * the timeout wins. A throw, a rejected promise or a malformed result is an `error` execution:
 * nothing a node does can take the process down.
 */
export function executeNode(
  node: NodeType<unknown>,
  ctx: NodeContext,
  config: unknown,
  timeoutMs: number,
  onTimeout: () => void,
): Execution | Promise<Execution> {
  let result: NodeResult | Promise<NodeResult>;
  try {
    result = node.run(ctx, config);
  } catch (error) {
    return { kind: 'error', error };
  }
  if (!(result instanceof Promise)) return normalise(result);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Execution>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
  });
  return Promise.race([result.then(normalise, (error: unknown): Execution => ({ kind: 'error', error })), timeout]).finally(() =>
    clearTimeout(timer),
  );
}
