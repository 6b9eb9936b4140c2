import type { RequestHandler } from 'express';
import { locals, type WaymarkLocals } from '../lib/locals.js';
import { boundByKey, type Counter, type Labels } from '../metrics/registry.js';
import type { RouterContext } from '../options.js';

/**
 * Counts and times every request of one endpoint when its response finishes, and writes one
 * access-log line: client (registered ids only, else `unknown`, so a caller cannot grow the
 * label set with made-up ids), flow, result, status, IP, ms. Never a parameter value, a
 * journey secret or a token. `labels` names the counter's series for a client and a result;
 * every label value comes from a small fixed set, so each series is bound once.
 */
export function observeRequests(
  ctx: RouterContext,
  endpoint: string,
  counter: Counter,
  labels: (client: string, result: string) => Labels,
  resultOf: (state: WaymarkLocals, status: number) => string,
): RequestHandler {
  const duration = boundByKey((status: number) => ctx.metrics.requestDuration.bind({ endpoint, status: String(status) }));
  const count = boundByKey((client: string) => boundByKey((result: string) => counter.bind(labels(client, result))));
  return function observeRequests(_req, res, next) {
    const start = performance.now();
    res.on('finish', () => {
      const state = locals(res);
      const status = res.statusCode;
      const client = state.client?.clientId ?? 'unknown';
      const result = resultOf(state, status);
      const ms = performance.now() - start;
      duration(status)(ms / 1000);
      count(client)(result)();
      ctx.logger.info(endpoint, { client, flow: state.flowId, result, status, ip: ctx.logIp(state.clientIp), ms: Math.round(ms) });
    });
    next();
  };
}
