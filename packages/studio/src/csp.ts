import { contentSecurityPolicy } from '@waymark/http';

/**
 * The studio page's Content-Security-Policy: Waymark's own (`default-src 'none'`, same-origin
 * styles and images, no framing, forms to this origin) widened only by same-origin scripts and
 * same-origin requests (the admin API, the provider's token endpoint). No `'unsafe-eval'` and
 * no `'unsafe-inline'`: the bundle compiles no code at run time (flows are validated by the
 * server, never by Ajv in the page).
 */
export function studioContentSecurityPolicy(): string {
  return `${contentSecurityPolicy()}; script-src 'self'; connect-src 'self'`;
}
