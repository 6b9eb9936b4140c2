import type { Request, RequestHandler } from 'express';
import { locals, type WaymarkLocals } from '../lib/locals.js';
import { boundByKey, type Counter, type Labels } from '../metrics/registry.js';
import type { RouterContext } from '../options.js';

/**
 * Counts and times every request of one endpoint when its response finishes, and writes one
 * access-log line: client (registered ids only, else `unknown`, so a caller cannot grow the
 * label set with made-up ids), flow, result, status, IP, ms, the request's id, and for a failed
 * journey its failing node, code and reason (for another error, its code). Never a parameter
 * value, a journey secret or a token. `labels` names the counter's series for a client and a
 * result; every label value comes from a small fixed set, so each series is bound once.
 * `audit`, when given, records the request's audit event once it has finished.
 */
export function observeRequests(
  ctx: RouterContext,
  endpoint: string,
  counter: Counter,
  labels: (client: string, result: string) => Labels,
  resultOf: (state: WaymarkLocals, status: number) => string,
  audit?: (state: WaymarkLocals, status: number, req: Request) => void,
): RequestHandler {
  const duration = boundByKey((status: number) => ctx.metrics.requestDuration.bind({ endpoint, status: String(status) }));
  const count = boundByKey((client: string) => boundByKey((result: string) => counter.bind(labels(client, result))));
  return function observeRequests(req, res, next) {
    const start = performance.now();
    res.on('finish', () => {
      const state = locals(res);
      const status = res.statusCode;
      const client = state.client?.clientId ?? 'unknown';
      const result = resultOf(state, status);
      const ms = performance.now() - start;
      duration(status)(ms / 1000);
      count(client)(result)();
      const fields: Record<string, unknown> = {
        requestId: state.requestId,
        client,
        flow: state.flowId,
        result,
        status,
        ip: ctx.logIp(state.clientIp),
        ms: Math.round(ms),
      };
      const failure = state.failure;
      if (failure !== undefined) {
        fields.node = failure.node;
        fields.code = failure.code;
        fields.reason = failure.reason;
      } else if (state.errorCode !== undefined) fields.code = state.errorCode;
      ctx.logger.info(endpoint, fields);
      if (audit !== undefined) audit(state, status, req);
    });
    next();
  };
}
