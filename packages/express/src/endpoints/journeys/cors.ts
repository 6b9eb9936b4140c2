import { corsOriginAllowed } from '@waymark/core';
import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { HttpError } from '../../errors.js';
import type { RouterContext } from '../../options.js';

/*
 * CORS for the JSON journey API (Fetch standard, "CORS protocol"). An origin is allowed when
 * the client on whose behalf the call runs lists it in `cors_origins`. Before the client is
 * known (a preflight carries no body) any client listing the origin (and, for a start, the
 * flow) lets the preflight through; the actual request is then checked against its own client.
 * Callers without an Origin header (native apps, servers) are not browsers and need no CORS.
 */

const ALLOW_HEADERS = 'Content-Type, Accept, Authorization';

function setAllowOrigin(res: Parameters<RequestHandler>[1], origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.vary('Origin');
}

function anyClientAllows(ctx: RouterContext, origin: string, flow: string | undefined): boolean {
  return ctx.clients.all().some((c) => corsOriginAllowed(c, origin) && (flow === undefined || c.allowedFlows.includes(flow)));
}

/** `OPTIONS` on a journey endpoint: 204 with the CORS grant, or 403 without one. */
export function corsPreflight(ctx: RouterContext, kind: 'start' | 'continue'): RequestHandler {
  return function corsPreflight(req, res) {
    const origin = req.headers.origin;
    const flow = kind === 'start' ? String(req.params.flow) : undefined;
    res.vary('Origin');
    if (origin === undefined || !anyClientAllows(ctx, origin, flow)) {
      res.status(403).end();
      return;
    }
    setAllowOrigin(res, origin);
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/** Early grant so that a listed origin can read error answers given before the client is known. */
export function corsEarly(ctx: RouterContext): RequestHandler {
  return function corsEarly(req, res, next) {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin !== undefined && anyClientAllows(ctx, origin, undefined)) setAllowOrigin(res, origin);
    next();
  };
}

/**
 * Once the client is known: a cross-origin browser call from an origin that client does not
 * list is refused before anything runs (403), not merely hidden from the page.
 */
export function enforceClientOrigin(
  ctx: RouterContext,
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  client: Client | undefined,
): void {
  const origin = req.headers.origin;
  if (origin === undefined || origin === new URL(ctx.issuer).origin) return;
  if (client === undefined || !corsOriginAllowed(client, origin)) {
    res.removeHeader('Access-Control-Allow-Origin');
    throw new HttpError('ERR_ORIGIN_NOT_ALLOWED', 'this origin may not call the journey API for this client');
  }
  setAllowOrigin(res, origin);
}
