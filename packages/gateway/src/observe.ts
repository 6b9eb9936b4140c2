import { createHash } from 'node:crypto';
import type { Auditor } from '@waymark/core';
import { MetricsRegistry, type Counter, type Histogram } from '@waymark/http';

/*
 * What every call leaves behind: one `gateway.call` audit event (who, acting for whom, which
 * client, which tool, a hash of the arguments, the decision, the upstream's status, the time)
 * and Prometheus series per route, method and tool (count, latency, errors).
 */

/** What a route knows of a call when it ends. */
export interface CallRecord {
  route: string;
  /** JSON-RPC method (mcp) or HTTP method (api). */
  method: string;
  tool?: string | undefined;
  sub?: string | undefined;
  /** RFC 8693 §4.1 `act.sub`: the agent acting for `sub`. */
  act?: string | undefined;
  clientId?: string | undefined;
  args?: unknown;
  /** `permit`, or why not: `unauthenticated`, `forbidden`, `insufficient_scope`, `step_up`, `rate_limited`, `invalid`, `error`. */
  decision: string;
  upstreamStatus?: number | undefined;
  status: number;
  ms: number;
  requestId?: string | undefined;
  ip?: string | undefined;
  transactionId?: string | undefined;
}

/** SHA-256 of the arguments' JSON (base64url): the audit trail can tell two calls apart without holding a value. */
export function argumentsHash(args: unknown): string | undefined {
  if (args === undefined) return undefined;
  return createHash('sha256').update(JSON.stringify(args)).digest('base64url');
}

export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  record(call: CallRecord): void;
}

/** The gateway's metrics, on its own registry (served at the gateway's `/metrics`) or one the host shares. */
export function gatewayMetrics(registry: MetricsRegistry = new MetricsRegistry()): GatewayMetrics {
  const calls: Counter = registry.counter(
    'waymark_gateway_calls_total',
    'Calls through the gateway, by route, method, tool and decision.',
    ['route', 'method', 'tool', 'decision'],
  );
  const errors: Counter = registry.counter(
    'waymark_gateway_errors_total',
    'Calls answered with a 5xx or refused upstream, by route, method and tool.',
    ['route', 'method', 'tool'],
  );
  const latency: Histogram = registry.histogram(
    'waymark_gateway_call_duration_seconds',
    'Time from request to the end of the answer, by route, method and tool.',
    ['route', 'method', 'tool'],
  );
  return {
    registry,
    record(call) {
      const tool = call.tool ?? '';
      calls.inc({ route: call.route, method: call.method, tool, decision: call.decision });
      latency.observe({ route: call.route, method: call.method, tool }, call.ms / 1000);
      if (call.status >= 500 || (call.upstreamStatus ?? 0) >= 500) errors.inc({ route: call.route, method: call.method, tool });
    },
  };
}

/** One `gateway.call` event; never a token or an argument's value. */
export function auditCall(audit: Auditor | undefined, call: CallRecord): void {
  audit?.emit({
    type: 'gateway.call',
    outcome: call.decision,
    requestId: call.requestId,
    sub: call.sub,
    actor: call.act,
    client_id: call.clientId,
    target: call.route,
    action: call.method,
    tool: call.tool,
    argumentsHash: argumentsHash(call.args),
    upstreamStatus: call.upstreamStatus,
    durationMs: Math.round(call.ms * 100) / 100,
    ip: call.ip,
    transactionId: call.transactionId,
  });
}
