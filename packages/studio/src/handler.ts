import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudioClientConfig } from './client-config.js';
import { studioContentSecurityPolicy } from './csp.js';

/** Where the built page is: `dist/app` of this package (the same folder from `src/` and `dist/`). */
export function studioAppDir(): string {
  return fileURLToPath(new URL('../dist/app/', import.meta.url));
}

export interface StudioHandlerOptions {
  /** What the page reads from `config.json`. */
  config: StudioClientConfig;
  /** The built page's folder. Default {@link studioAppDir}. */
  appDir?: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const CSP = studioContentSecurityPolicy();

function send(res: ServerResponse, status: number, type: string, body: Buffer | string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // The page is small and changes with each build: always revalidated, never stale.
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
}

/**
 * A connect-style handler for the studio, mounted at a path such as `/studio` (express strips
 * the mount path from `req.url`): the built files, `config.json`, and `index.html` for every
 * other GET (the page's own routes, such as the sign-in callback). Files are read once, at
 * creation; a missing build is a clear 503 page, not a crash.
 *
 * @example
 * app.use('/studio', createStudioHandler({ config: { mode: 'local', adminApi: '/admin/v1', folder: 'flows' } }));
 */
/** One route the studio handler answers, under its mount path (`{page}`: any path without an extension). */
export interface StudioRoute {
  method: 'GET';
  path: string;
}

/** The studio's handler, and the routes it answers (for the API reference's route walk). */
export type StudioHandler = ((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void) & {
  readonly routes: readonly StudioRoute[];
};

export function createStudioHandler(options: StudioHandlerOptions): StudioHandler {
  const dir = options.appDir ?? studioAppDir();
  const files = new Map<string, Buffer>();
  if (existsSync(join(dir, 'index.html')))
    for (const name of readdirSync(dir)) if (TYPES[extname(name)]) files.set(`/${name}`, readFileSync(join(dir, name)));
  const config = Buffer.from(JSON.stringify(options.config));
  // What `studio` below answers (HEAD with every GET): the redirect to `/`, the page, its config, each built file, the page's own routes.
  const routes: StudioRoute[] = [
    { method: 'GET', path: '' },
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/config.json' },
    ...[...files.keys()].filter((name) => name !== '/index.html').map((path) => ({ method: 'GET' as const, path })),
    { method: 'GET', path: '/{page}' },
  ];
  const studio = function studio(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // `/studio` → `/studio/`: the page's relative asset URLs resolve under the mount path.
    const original = ((req as { originalUrl?: string }).originalUrl ?? '').split('?')[0] ?? '';
    if (path === '/' && original !== '' && !original.endsWith('/')) {
      res.statusCode = 308;
      res.setHeader('Location', `${original}/`);
      return void res.end();
    }
    if (path === '/config.json') return send(res, 200, TYPES['.json']!, config);
    const index = files.get('/index.html');
    if (index === undefined)
      return send(
        res,
        503,
        'text/plain; charset=utf-8',
        'The studio is not built: run `npm run build` (it bundles packages/studio/app).\n',
      );
    const file = files.get(path);
    if (file !== undefined) return send(res, 200, TYPES[extname(path)]!, file);
    // A missing asset is a 404; any other path is one of the page's own routes.
    if (extname(path) !== '') return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    send(res, 200, TYPES['.html']!, index);
  };
  return Object.assign(studio, { routes });
}
