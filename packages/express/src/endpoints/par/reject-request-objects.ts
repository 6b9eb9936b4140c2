import type { RequestHandler } from 'express';
import { HttpError, invalidRequest } from '../../errors.js';
import { params } from '../../lib/locals.js';

/**
 * Requests by reference or by value are not pushed here:
 * - RFC 9126 §2.1: "The request_uri authorization request parameter … MUST NOT be provided in
 *   this case" → `invalid_request`;
 * - RFC 9126 §3 lets a client push a request object (`request`, RFC 9101); Waymark takes the
 *   parameters themselves and no request object → `request_not_supported` (OIDC Core §3.1.2.6),
 *   which tells the client what to change, where an unknown parameter would not.
 */
export function rejectRequestObjects(): RequestHandler {
  return function rejectRequestObjects(_req, res, next) {
    const p = params(res);
    if (p['request_uri'] !== undefined) throw invalidRequest('request_uri must not be pushed (RFC 9126 §2.1)', { param: 'request_uri' });
    if (p['request'] !== undefined)
      throw new HttpError('ERR_REQUEST_NOT_SUPPORTED', 'request objects are not supported; push the authorization parameters themselves', { param: 'request' });
    next();
  };
}
