import express, { type Express, type RequestHandler } from 'express';
import { securityHeaders } from './middleware/security-headers.js';
import { installRoutes, type WaymarkRouter } from './router.js';

/**
 * A stand-alone express app around the router, for `waymark serve` and tests: the router
 * mounted at the issuer's path, no `X-Powered-By`, and a JSON 404 (with the security headers)
 * for anything the router does not answer. An existing app mounts the router itself instead.
 * `beside` are handlers mounted after the router and before that 404, such as the router of
 * `@waymark/oidc-provider` (`waymark serve` with an `oidc` section).
 *
 * @example
 * const app = createWaymarkApp(createWaymarkRouter({ issuer, clients, stores, engine }));
 * app.listen(3000, '127.0.0.1');
 */
export function createWaymarkApp(router: WaymarkRouter, beside: readonly RequestHandler[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  // At the root, the routes go on the app itself (one router level fewer per request).
  if (router.context.basePath !== '/' || !installRoutes(router, app)) app.use(router.context.basePath, router);
  for (const handler of beside) app.use(handler);
  app.use(securityHeaders(router.context.hsts, router.context.trustedProxies), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  return app;
}
