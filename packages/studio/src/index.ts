/**
 * @waymark/studio: the studio's browser app (built by `npm run build` into `dist/app`, shipped in
 * the package, no CDN) and the handler that serves it under its own Content-Security-Policy.
 * `waymark serve` mounts it at `/studio` beside the admin API; `waymark studio <folder>` serves it
 * with a local flow-file API for offline authoring.
 */
export { createStudioHandler, studioAppDir, type StudioHandlerOptions, type StudioHandler, type StudioRoute } from './handler.js';
export { studioContentSecurityPolicy } from './csp.js';
export type { StudioClientConfig } from './client-config.js';
