import type { RequestHandler } from 'express';
import { locals } from '../../lib/locals.js';
import type { RouterContext } from '../../options.js';

/**
 * Counts and times every PAR request when its response finishes, and writes one access-log
 * line. The client label is the authenticated or identified registered client, else
 * `unknown`, so a caller cannot grow the label set with made-up ids. Logs carry ids and
 * results only, never a parameter value.
 */
export function observePar(ctx: RouterContext): RequestHandler {
  return function observePar(_req, res, next) {
    const stop = ctx.metrics.requestDuration.startTimer({ endpoint: 'par' });
    res.on('finish', () => {
      const state = locals(res);
      const client = state.client?.clientId ?? 'unknown';
      const result = res.statusCode === 201 ? 'created' : (state.oauthError ?? `status_${res.statusCode}`);
      const seconds = stop({ status: String(res.statusCode) });
      ctx.metrics.parRequests.inc({ client, result });
      ctx.logger.info('par', { client, result, status: res.statusCode, ip: state.clientIp, ms: Math.round(seconds * 1000) });
    });
    next();
  };
}
