/*
 * Waymark's HTML: one small layout, escaped text only, no script, no inline style (the CSP has
 * no 'unsafe-inline'); the look comes from the stylesheet the express adapter serves at
 * `/assets/waymark.css`. The OpenID Provider's interaction pages use the same pieces.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and double-quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Where the stylesheet lives, relative to the page (pages are served at the router's root). */
const STYLESHEET_PATH = 'assets/waymark.css';

/**
 * A complete page. `main` is trusted HTML built by this module's helpers; `base` is where the
 * stylesheet is relative to the page.
 *
 * @example
 * layout('Sign in', callbackForm({ action: '/authorize/continue', callbacks, hidden: { journeyId, csrf } }), '/');
 */
export function layout(title: string, main: string, base = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(base)}${STYLESHEET_PATH}">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
</body>
</html>
`;
}

/**
 * A page with one message: `alert` for errors (announced by screen readers), `status` otherwise.
 *
 * @example
 * messagePage('Signed in', 'You can close this page.', 'status', '/');
 */
export function messagePage(title: string, message: string, kind: 'alert' | 'status', base = ''): string {
  return layout(title, `<p role="${kind}"${kind === 'alert' ? ' class="error"' : ''}>${escapeHtml(message)}</p>`, base);
}
