import type { RequestHandler } from 'express';
import { locals } from '../../lib/locals.js';
import { boundByKey } from '../../metrics/registry.js';
import type { RouterContext } from '../../options.js';

/**
 * Counts and times every PAR request when its response finishes, and writes one access-log
 * line. The client label is the authenticated or identified registered client, else
 * `unknown`, so a caller cannot grow the label set with made-up ids. Logs carry ids and
 * results only, never a parameter value.
 */
export function observePar(ctx: RouterContext): RequestHandler {
  // Series bound once per status and per client + result: every label value comes from a small fixed set.
  const duration = boundByKey((status: number) => ctx.metrics.requestDuration.bind({ endpoint: 'par', status: String(status) }));
  const count = boundByKey((client: string) => boundByKey((result: string) => ctx.metrics.parRequests.bind({ client, result })));
  return function observePar(_req, res, next) {
    const start = performance.now();
    res.on('finish', () => {
      const state = locals(res);
      const client = state.client?.clientId ?? 'unknown';
      const result = res.statusCode === 201 ? 'created' : (state.oauthError ?? `status_${res.statusCode}`);
      const ms = performance.now() - start;
      duration(res.statusCode)(ms / 1000);
      count(client)(result)();
      ctx.logger.info('par', { client, result, status: res.statusCode, ip: state.clientIp, ms: Math.round(ms) });
    });
    next();
  };
}
