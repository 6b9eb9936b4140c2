/**
 * The Content-Security-Policy of Waymark's pages. Strict enough for their simple HTML forms:
 * nothing loads but same-origin styles and images, no script at all, no framing, forms post
 * to this origin only. Inline styles are refused; pages link a stylesheet. A page whose form
 * POST may end in a redirect to another origin must widen `form-action` (browsers apply it to
 * the redirect too): pass the target origins.
 *
 * @example
 * res.setHeader('Content-Security-Policy', contentSecurityPolicy(['https://app.example.com']));
 */
export function contentSecurityPolicy(extraFormActions: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "base-uri 'none'",
    `form-action ${["'self'", ...extraFormActions].join(' ')}`,
    "frame-ancestors 'none'",
    "img-src 'self'",
    "style-src 'self'",
  ].join('; ');
}
