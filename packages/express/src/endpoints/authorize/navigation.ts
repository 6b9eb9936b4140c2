import type { RequestHandler } from 'express';
import { HttpError } from '../../errors.js';
import { params } from '../../lib/locals.js';

const PREFETCH = /\bpre(fetch|render)\b/i;

/**
 * A request_uri works once, so whatever loads it first spends it. Only a top-level navigation
 * of the user's browser may: a cross-site `<iframe>`, a `fetch()` or an `<img>` of the link
 * (Fetch Metadata: `Sec-Fetch-Dest` other than `document`, `Sec-Fetch-Mode` other than
 * `navigate`), a browser's prefetch or prerender (`Sec-Purpose`) and a HEAD request (a link
 * preview's probe) are refused before the
 * pushed request is taken, so it stays usable for the real navigation. A request without
 * `Sec-Fetch-Dest` (a native app's HTTP client, Node's fetch, which sends `Sec-Fetch-Mode: cors`
 * alone, an older browser) is not judged by Fetch Metadata.
 */
export function requireTopLevelNavigation(): RequestHandler {
  return function requireTopLevelNavigation(req, res, next) {
    if (params(res)['request_uri'] === undefined) {
      next();
      return;
    }
    // RFC 9110 §9.3.2: HEAD is safe; it must not spend what GET would.
    if (req.method === 'HEAD') throw new HttpError('ERR_NAVIGATION_REQUIRED', 'a request_uri is not redeemed by HEAD; open the link with GET');
    const dest = req.headers['sec-fetch-dest'];
    const mode = req.headers['sec-fetch-mode'];
    const purpose = req.headers['sec-purpose'] ?? req.headers['purpose'];
    // Browsers send Sec-Fetch-Dest with Sec-Fetch-Mode; Node's fetch sends Sec-Fetch-Mode alone (always "cors"): it is no browser page.
    const fromBrowser = dest !== undefined;
    if ((fromBrowser && (dest !== 'document' || (mode !== undefined && mode !== 'navigate'))) || (typeof purpose === 'string' && PREFETCH.test(purpose)))
      throw new HttpError('ERR_NAVIGATION_REQUIRED', 'a request_uri may be redeemed by a top-level navigation only; open the link in the browser itself');
    next();
  };
}
