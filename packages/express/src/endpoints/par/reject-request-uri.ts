import type { RequestHandler } from 'express';
import { invalidRequest } from '../../errors.js';
import { params } from '../../lib/locals.js';

/** RFC 9126 §2.1: "The request_uri authorization request parameter … MUST NOT be provided in this case." */
export function rejectRequestUri(): RequestHandler {
  return function rejectRequestUri(_req, res, next) {
    if (params(res)['request_uri'] !== undefined) throw invalidRequest('request_uri must not be pushed (RFC 9126 §2.1)', { param: 'request_uri' });
    next();
  };
}
