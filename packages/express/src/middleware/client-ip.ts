import type { RequestHandler } from 'express';
import { clientIpOf } from '@waymark/http';
import { locals } from '../lib/locals.js';
import type { RouterContext } from '../options.js';

/**
 * Records the client IP (`clientIpOf` of `@waymark/http`): the socket peer's, or from
 * X-Forwarded-For when that peer is one of `trustedProxies`. Ignores express's `trust proxy`
 * setting on purpose: the host app's setting may be looser than what identity decisions need.
 */
export function clientIp(ctx: RouterContext): RequestHandler {
  return function clientIp(req, res, next) {
    locals(res).clientIp = clientIpOf(req, ctx.trustedProxies);
    next();
  };
}
