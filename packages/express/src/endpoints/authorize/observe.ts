import type { RequestHandler } from 'express';
import { locals } from '../../lib/locals.js';
import { boundByKey } from '../../metrics/registry.js';
import type { RouterContext } from '../../options.js';

/**
 * Counts and times every authorize and continue request when its response finishes, and
 * writes one access-log line: client (registered ids only), flow, result, status, IP, ms.
 * Never a parameter value, a journey secret or a token.
 */
export function observeAuthorize(ctx: RouterContext, endpoint: 'authorize' | 'authorize_continue'): RequestHandler {
  // Series bound once per status and per client + result: every label value comes from a small fixed set.
  const duration = boundByKey((status: number) => ctx.metrics.requestDuration.bind({ endpoint, status: String(status) }));
  const count = boundByKey((client: string) => boundByKey((result: string) => ctx.metrics.authorizeRequests.bind({ client, result })));
  return function observeAuthorize(_req, res, next) {
    const start = performance.now();
    res.on('finish', () => {
      const state = locals(res);
      const client = state.client?.clientId ?? 'unknown';
      const result =
        state.oauthError !== undefined && state.journeyResult === undefined
          ? state.oauthError
          : (state.journeyResult ?? `status_${res.statusCode}`);
      const ms = performance.now() - start;
      duration(res.statusCode)(ms / 1000);
      count(client)(result)();
      ctx.logger.info(endpoint, {
        client,
        flow: state.flowId,
        result,
        status: res.statusCode,
        ip: state.clientIp,
        ms: Math.round(ms),
      });
    });
    next();
  };
}
