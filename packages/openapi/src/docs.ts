import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';
import { escapeHtml } from '@waymark/http';
import type { OpenApiDocument } from './types.js';

/**
 * The Content-Security-Policy of `/docs`. Swagger UI (swagger-ui-dist, served from node_modules,
 * never a CDN) runs as a same-origin script: no 'unsafe-eval' (its one `new Function` is the
 * globalThis fallback, inside a try, never reached in a browser), no 'unsafe-inline' for
 * scripts (the page has no inline script: its settings are a data attribute read by docs.js).
 * Styles stay 'self': React sets its style props through the CSSOM, which style-src does not
 * govern. `img-src data:` for the icons swagger-ui.css inlines. `connect-src` is this origin
 * and the issuer's (the console sends its requests to the document's server URL).
 */
export function docsCsp(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "base-uri 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const DOCS_CSP = docsCsp();

export interface DocsOptions {
  /** The document to serve at `/openapi.json` and render. */
  document: OpenApiDocument | (() => OpenApiDocument);
  /** The console's OAuth client at Waymark's own provider (authorization code + PKCE). Default `waymark-admin`. */
  clientId?: string;
  /** The scopes the console asks for. Default the admin scopes. */
  scopes?: readonly string[];
  /** The RFC 8707 `resource` the token is for (the admin audience), when the provider needs one. */
  resource?: string;
}

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const OWN_ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

/** The files of the page, read once: swagger-ui-dist's bundle and stylesheet, its OAuth redirect page, and docs.js. */
const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  'swagger-ui-bundle.js': { path: join(SWAGGER_DIR, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { path: join(SWAGGER_DIR, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'oauth2-redirect.html': { path: join(SWAGGER_DIR, 'oauth2-redirect.html'), type: 'text/html; charset=utf-8' },
  'oauth2-redirect.js': { path: join(SWAGGER_DIR, 'oauth2-redirect.js'), type: 'text/javascript; charset=utf-8' },
  'docs.js': { path: join(OWN_ASSETS, 'docs.js'), type: 'text/javascript; charset=utf-8' },
  'docs.css': { path: join(OWN_ASSETS, 'docs.css'), type: 'text/css; charset=utf-8' },
};
const cache = new Map<string, Buffer>();
function file(name: string): Buffer {
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(FILES[name]!.path);
    cache.set(name, body);
  }
  return body;
}

function headers(res: Response, csp: string, opener: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // The console's "Authorize" opens the provider in a popup that must keep its opener until the
  // redirect page hands the code back: the page allows popups (the adapter's pages say same-origin).
  res.setHeader('Cross-Origin-Opener-Policy', opener);
}

/**
 * `GET /openapi.json` and `GET /docs` (Swagger UI with a try-it console): mount at the root of
 * the server. Nothing is loaded from elsewhere; the console keeps its tokens and parameters in
 * `sessionStorage` only (docs.js), never `localStorage`, and sends them nowhere but in the
 * requests it makes.
 *
 * @example
 * app.use(docsRouter({ document: waymarkOpenApiDocument({ issuer }), resource: `${issuer}/admin` }));
 */
export function docsRouter(options: DocsOptions): Router {
  const router = Router();
  const documentOf = typeof options.document === 'function' ? options.document : () => options.document as OpenApiDocument;
  const servers = documentOf().servers.map((s) => new URL(s.url).origin);
  const csp = docsCsp(servers);
  router.get('/openapi.json', (_req, res) => {
    headers(res, "default-src 'none'; frame-ancestors 'none'", 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.type('application/json').send(JSON.stringify(documentOf(), null, 2));
  });
  const settings = JSON.stringify({
    url: 'openapi.json',
    clientId: options.clientId ?? 'waymark-admin',
    scopes: options.scopes ?? ['openid', 'waymark:admin:read', 'waymark:admin:write'],
    ...(options.resource !== undefined ? { resource: options.resource } : {}),
  });
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waymark API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="stylesheet" href="docs/assets/docs.css">
</head>
<body>
<div id="swagger-ui" data-settings="${escapeHtml(settings)}"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/docs.js"></script>
</body>
</html>
`;
  router.get('/docs', (req, res) => {
    // The page's links are relative to /docs: /docs/ would resolve them one folder down.
    if (req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, '../docs');
    headers(res, csp, 'same-origin-allow-popups');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  router.get('/docs/oauth2-redirect.html', (_req, res) => {
    headers(res, csp, 'unsafe-none');
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(file('oauth2-redirect.html').toString('utf8').replace('src="oauth2-redirect.js"', 'src="assets/oauth2-redirect.js"'));
  });
  router.get('/docs/assets/:name', (req, res, next) => {
    const spec = FILES[req.params.name];
    if (!spec || req.params.name.endsWith('.html')) return next();
    headers(res, csp, 'same-origin');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(spec.type).send(file(req.params.name));
  });
  return router;
}
