import type { OpenApiDocument } from './types.js';

/** One route an express router serves: the method (`ALL` for `.all()`) and the path, with `{name}` parameters. */
export interface ServedRoute {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/**
 * Every route of an express 5 router, walking nested routers (`router.use(sub)`), their paths
 * under `prefix`, `:name` written `{name}` as in OpenAPI. For the test that fails on a route
 * without a description.
 *
 * @example
 * expressRoutes(createAdminRouter(options), '/admin/v1') // [{ method: 'GET', path: '/admin/v1/flows' }, …]
 */
export function expressRoutes(router: { stack?: unknown }, prefix = ''): ServedRoute[] {
  const out: ServedRoute[] = [];
  const base = prefix.replace(/\/+$/, '');
  for (const layer of (router.stack ?? []) as Layer[]) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        const openapiPath = `${base}${String(path).replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}` || '/';
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on) out.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: openapiPath });
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...expressRoutes(layer.handle as { stack: unknown }, `${base}${mount}`));
    }
  }
  return out;
}

/**
 * The routes the document does not describe. An `ALL` route (RFC 9126 §2.3's 405 for any other
 * method, say) needs its path described; any other route needs its method on its path.
 */
export function undocumentedRoutes(routes: readonly ServedRoute[], document: OpenApiDocument): ServedRoute[] {
  return routes.filter((route) => {
    const item = document.paths[route.path] as Record<string, unknown> | undefined;
    if (!item) return true;
    if (route.method === 'ALL') return false;
    // HEAD is answered by express for every GET route.
    return item[route.method.toLowerCase()] === undefined;
  });
}

/** A served route the reference leaves out on purpose, and why. */
export interface UndocumentedRoute {
  /** The method (`*` for any). */
  method: string;
  /** The route's path, exactly, or a pattern. */
  path: string | RegExp;
  reason: string;
}

/**
 * The routes Waymark serves that the reference does not describe, each with its reason. Anything
 * else a route walk finds without a description fails `packages/cli/test/serve-openapi.test.ts`.
 */
export const UNDOCUMENTED_ROUTES: readonly UndocumentedRoute[] = [
  {
    method: 'OPTIONS',
    path: /.*/,
    reason: "CORS preflights (Fetch standard), answered by oidc-provider for each client's registered origins: no API of their own",
  },
  {
    method: 'GET',
    path: /^\/studio\/[^/]+\.(js|css|svg)$/,
    reason: "the studio page's built scripts, styles and icons: static assets, rebuilt with each build",
  },
  {
    method: 'ALL',
    path: /\/\{forwarded\}$/,
    reason:
      "a gateway web route forwards the application's own pages after sign-in (or unauthenticated for its public paths): they are the application's, not Waymark's",
  },
];

/** The routes neither described by the document nor listed in `exempt` (default {@link UNDOCUMENTED_ROUTES}). */
export function unexplainedRoutes(
  routes: readonly ServedRoute[],
  document: OpenApiDocument,
  exempt: readonly UndocumentedRoute[] = UNDOCUMENTED_ROUTES,
): ServedRoute[] {
  return undocumentedRoutes(routes, document).filter(
    (route) =>
      !exempt.some(
        (e) =>
          (e.method === '*' || e.method === route.method) && (typeof e.path === 'string' ? e.path === route.path : e.path.test(route.path)),
      ),
  );
}
