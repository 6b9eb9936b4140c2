import type { RequestHandler } from 'express';
import { PROMETHEUS_CONTENT_TYPE } from '../../metrics/registry.js';
import type { RouterContext } from '../../options.js';

/** `GET /metrics`: the router's registry in Prometheus text format. */
export function metricsEndpoint(ctx: RouterContext): RequestHandler {
  return function metrics(_req, res) {
    res.setHeader('Cache-Control', 'no-store');
    res.type(PROMETHEUS_CONTENT_TYPE).send(ctx.metrics.registry.render());
  };
}
