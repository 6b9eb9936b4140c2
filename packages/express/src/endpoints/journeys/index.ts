import { Router } from 'express';
import { clientIp } from '../../middleware/client-ip.js';
import { noStore, securityHeaders } from '../../middleware/security-headers.js';
import type { RouterContext } from '../../options.js';
import { corsEarly, corsPreflight } from './cors.js';
import { journeyErrorHandler } from './error-handler.js';
import { authenticateJourneyClient, continueJourneyJson, observeJourneyApi, readJson, requireJsonBody, startJourneyJson } from './steps.js';

/**
 * The JSON journey API (AIC `/json/authenticate` style), read top to bottom:
 * `POST /journeys/:flow` starts a flow for a client, `POST /journeys/:id/continue` answers a
 * step; `OPTIONS` on both is the CORS preflight.
 */
export function journeyRoutes(ctx: RouterContext): Router {
  const router = Router();
  const headers = securityHeaders(ctx.hsts, ctx.trustedProxies);
  const common = [headers, noStore(), corsEarly(ctx), clientIp(ctx), requireJsonBody(), ...readJson(ctx.bodyLimit)];
  router.options('/journeys/:flow', headers, corsPreflight(ctx, 'start'));
  router.options('/journeys/:id/continue', headers, corsPreflight(ctx, 'continue'));
  router.post('/journeys/:id/continue', observeJourneyApi(ctx, 'journey_continue'), ...common, continueJourneyJson(ctx));
  router.post('/journeys/:flow', observeJourneyApi(ctx, 'journey_start'), ...common, authenticateJourneyClient(ctx), startJourneyJson(ctx));
  router.use('/journeys', journeyErrorHandler(ctx));
  return router;
}
