import type { Callback, ClientInfo, Clock, CookieEffect, JsonObject, Logger, NodeType, PushedInfo, Services, Stores } from '@waymark/sdk';
import { createMemoryStores } from '@waymark/core';
import { compileNodeConfig, createNodeContext, executeNode, Watchdog, type EffectLog } from '@waymark/core/internal';
import { testClock } from './test-clock.js';

export interface RunNodeOptions {
  /** The node's config as a flow would hold it; validated and defaulted like at flow load. */
  config?: unknown;
  state?: JsonObject;
  /** Secrets of the node's namespace. */
  secrets?: Record<string, string>;
  /** The request of the step; `method` and `url` as the adapter sets them for the PAR request of the push phase. */
  request?: { ip?: string; headers?: Record<string, string>; cookies?: Record<string, string>; userAgent?: string; method?: string; url?: string };
  par?: PushedInfo;
  params?: Record<string, string>;
  client?: ClientInfo;
  /** Submitted callbacks: runs the node as a resume of the step it asked for. */
  submit?: Callback[];
  clock?: Clock;
  stores?: Stores;
  /** Extra services (users, riskProvider, notifier, fetch…). */
  services?: Partial<Services> & Record<string, unknown>;
  timeoutMs?: number;
}

export interface RunNodeResult {
  /** The outcome, or undefined when the node suspended. */
  outcome: string | undefined;
  reason: string | undefined;
  /** The callbacks when the node suspended. */
  callbacks: Callback[] | undefined;
  /** The thrown error when the node failed (`outcome` is then `error`). */
  error: unknown;
  state: JsonObject;
  secrets: Record<string, string>;
  effects: { cookies: CookieEffect[]; redirect: string | undefined; session: { id: string; sub: string } | undefined };
  /** Everything the node logged. */
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
}

/**
 * Runs one node the way the engine would (config validated and defaulted, a fresh context,
 * the same timeout and error handling) and tells what it did.
 *
 * @example
 * const r = await runNode(ipMatch, { par: { clientId: 'app', ip: '203.0.113.7', params: {} }, request: { ip: '203.0.113.7' } });
 * expect(r.outcome).toBe('match');
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any node type, whatever its config
export async function runNode(node: NodeType<any>, options: RunNodeOptions = {}): Promise<RunNodeResult> {
  const clock = options.clock ?? testClock();
  const stores = options.stores ?? createMemoryStores(clock);
  const logs: RunNodeResult['logs'] = [];
  const logger: Logger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const config = compileNodeConfig(node, options.config ?? {});
  const state: JsonObject = structuredClone(options.state ?? {});
  const secrets: Record<string, string> = { ...(options.secrets ?? {}) };
  const effects: EffectLog = { cookies: [] };
  const watchdog = new Watchdog();
  const services = { clock, stores, logger, fetch: globalThis.fetch, ...(options.services ?? {}) } as Services;
  const ctx = createNodeContext({
    journey: { id: 'test-journey', flowId: 'test', flowVersion: 1, nodeId: 'node', startedAt: clock.now() },
    request: {
      ip: options.request?.ip ?? '127.0.0.1',
      headers: Object.fromEntries(Object.entries(options.request?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      cookies: options.request?.cookies ?? {},
      userAgent: options.request?.userAgent ?? options.request?.headers?.['user-agent'],
      ...(options.request?.method !== undefined ? { method: options.request.method } : {}),
      ...(options.request?.url !== undefined ? { url: options.request.url } : {}),
    },
    par: options.par,
    params: options.params ?? { ...(options.par?.params ?? {}) },
    client: options.client,
    state,
    secrets,
    services,
    effects,
    callbacks: options.submit,
    signal: watchdog.signal,
  });
  const execution = await Promise.resolve(executeNode(node, ctx, config, options.timeoutMs ?? node.timeoutMs ?? 10_000, watchdog)).finally(
    () => watchdog.stop(),
  );
  const base = { state, secrets, logs, effects: { cookies: effects.cookies, redirect: effects.redirect, session: effects.session } };
  switch (execution.kind) {
    case 'outcome':
      return { ...base, outcome: execution.outcome, reason: execution.reason, callbacks: undefined, error: undefined };
    case 'suspend':
      return { ...base, outcome: undefined, reason: undefined, callbacks: execution.callbacks, error: undefined };
    case 'timeout':
      return { ...base, outcome: 'timeout', reason: 'timeout', callbacks: undefined, error: undefined };
    case 'error':
      return { ...base, outcome: 'error', reason: 'thrown', callbacks: undefined, error: execution.error };
  }
}
