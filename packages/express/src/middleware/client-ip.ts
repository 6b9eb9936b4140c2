import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { normalizeIp, resolveClientIp } from '../client-ip.js';
import { locals } from '../lib/locals.js';
import type { RouterContext } from '../options.js';

/**
 * Records the client IP: the socket peer's, or from X-Forwarded-For when that peer is one of
 * `trustedProxies`. Ignores express's `trust proxy` setting on purpose: the host app's setting
 * may be looser than what identity decisions need.
 */
export function clientIp(ctx: RouterContext): RequestHandler {
  return function clientIp(req, res, next) {
    const forwardedFor = req.headers['x-forwarded-for'];
    // A connection's peer never changes: without a proxy in play, its normalised address is
    // worked out once per connection, not once per keep-alive request.
    locals(res).clientIp =
      ctx.trustedProxies.size === 0 || forwardedFor === undefined
        ? peerOf(req.socket)
        : resolveClientIp(req.socket.remoteAddress, forwardedFor, ctx.trustedProxies);
    next();
  };
}

const peers = new WeakMap<Socket, string>();

function peerOf(socket: Socket): string {
  let peer = peers.get(socket);
  if (peer === undefined) {
    peer = normalizeIp(socket.remoteAddress) ?? 'unknown';
    // remoteAddress is undefined once the socket is gone: do not remember that.
    if (socket.remoteAddress !== undefined) peers.set(socket, peer);
  }
  return peer;
}
