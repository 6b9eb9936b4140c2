import type { RequestHandler } from 'express';
import { badPolicyRequest } from '@waymark/policy';
import { readJsonBody as readJson } from '../../middleware/json-body.js';

/** The policy endpoints take JSON only (AIC's REST shape); anything else is refused before parsing. */
export function requireJson(): RequestHandler {
  return function requireJson(req, _res, next) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw badPolicyRequest('content-type', 'send the body as application/json');
    next();
  };
}

/** Parses the JSON body within the router's body limit (413 as soon as it passes, the rest never read; 400 when malformed); any JSON value parses, so the shape check names what is wrong. */
export function readJsonBody(limit: string | number): RequestHandler[] {
  return readJson(limit, { strict: false });
}
