import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';

/*
 * The stylesheet of the adapter's pages. Served by the router because the CSP allows
 * same-origin styles only ('self', no 'unsafe-inline'). Plain, readable, high contrast; it
 * honours the user's colour scheme and visible focus.
 */
export const STYLESHEET = `:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fff; --muted: #5b5b66; --accent: #0b57d0; --error: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6ea; --bg: #141418; --muted: #a6a6b0; --accent: #a8c7fa; --error: #f2b8b5; } }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 28rem; margin: 4rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 1.5rem; }
label, legend { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type="text"], input[type="password"], input[type="email"], input[type="tel"], input[type="number"] { width: 100%; padding: .6rem .75rem; font: inherit; color: inherit; background: transparent; border: 1px solid var(--muted); border-radius: .375rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
button { font: inherit; padding: .6rem 1.25rem; border: 0; border-radius: .375rem; background: var(--accent); color: var(--bg); cursor: pointer; margin-right: .5rem; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--error); font-weight: 600; }
.warning { font-weight: 600; }
input[type="checkbox"] + label, input[type="radio"] + label { display: inline; font-weight: 400; }
.description { color: var(--muted); margin: -1rem 0 1.5rem; }
.terms h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.terms-text { max-height: 16rem; overflow: auto; white-space: pre-wrap; border: 1px solid var(--muted); border-radius: .375rem; padding: .75rem; margin-bottom: .75rem; }
.actions { margin-top: 1.5rem; }
`;

const ETAG = `"${createHash('sha256').update(STYLESHEET).digest('base64url').slice(0, 16)}"`;

/** `GET /assets/waymark.css`: the stylesheet, cacheable for a day (it has no secrets). */
export function stylesheetEndpoint(): RequestHandler {
  return function stylesheet(req, res) {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('ETag', ETAG);
    if (req.headers['if-none-match'] === ETAG) {
      res.status(304).end();
      return;
    }
    res.type('text/css; charset=utf-8').send(STYLESHEET);
  };
}
