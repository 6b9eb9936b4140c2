import type { RequestHandler } from 'express';
import { locals } from '../../lib/locals.js';
import type { RouterContext } from '../../options.js';

/**
 * Counts and times every authorize and continue request when its response finishes, and
 * writes one access-log line: client (registered ids only), flow, result, status, IP, ms.
 * Never a parameter value, a journey secret or a token.
 */
export function observeAuthorize(ctx: RouterContext, endpoint: 'authorize' | 'authorize_continue'): RequestHandler {
  return function observeAuthorize(_req, res, next) {
    const stop = ctx.metrics.requestDuration.startTimer({ endpoint });
    res.on('finish', () => {
      const state = locals(res);
      const client = state.client?.clientId ?? 'unknown';
      const result =
        state.oauthError !== undefined && state.journeyResult === undefined
          ? state.oauthError
          : (state.journeyResult ?? `status_${res.statusCode}`);
      const seconds = stop({ status: String(res.statusCode) });
      ctx.metrics.authorizeRequests.inc({ client, result });
      ctx.logger.info(endpoint, {
        client,
        flow: state.flowId,
        result,
        status: res.statusCode,
        ip: state.clientIp,
        ms: Math.round(seconds * 1000),
      });
    });
    next();
  };
}
