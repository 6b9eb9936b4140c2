import type { RequestHandler } from 'express';
import { ERROR_ANSWERS, oauthErrorBody } from '@waymark/http';
import type { Logger } from '@waymark/sdk';

/*
 * oidc-provider builds every absolute URL it answers with (discovery, the end-session form's
 * action, redirects) from the request's host, through koa's `ctx.host` and `new URL`. A Host it
 * cannot parse made `new URL` throw inside the provider: a 500 `server_error` for what is the
 * client's mistake. This step answers such a request 400 `invalid_request` before the provider
 * sees it, and logs it at warn.
 */

// RFC 9110 §7.2 / RFC 3986 §3.2.2: Host = uri-host [ ":" port ], no userinfo. A DNS name or an
// IPv4 address, or an IPv6 literal in brackets; browsers send IDNs as punycode.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/** The host the provider will use (koa's `ctx.host`): `X-Forwarded-Host` through a trusted proxy, else `Host`; the first of a list. */
function effectiveHost(headers: Record<string, string | string[] | undefined>, proxy: boolean): string {
  const forwarded = proxy ? headers['x-forwarded-host'] : undefined;
  const raw = (typeof forwarded === 'string' && forwarded !== '' ? forwarded : headers.host) ?? '';
  return (typeof raw === 'string' ? raw : '').split(',', 1)[0]?.trim() ?? '';
}

/** Why a request's host cannot be used to build URLs, or undefined when it can. */
export function hostProblem(headers: Record<string, string | string[] | undefined>, proxy: boolean): string | undefined {
  const host = effectiveHost(headers, proxy);
  const match = HOST.exec(host);
  if (!match || !URL.canParse(`http://${host}/`) || Number(match[1] ?? 0) > 65535)
    return proxy && headers['x-forwarded-host'] ? 'the X-Forwarded-Host header is not a host name' : 'the Host header is not a host name';
  if (proxy && headers['x-forwarded-proto'] !== undefined) {
    const proto = String(headers['x-forwarded-proto']).split(',', 1)[0]?.trim().toLowerCase();
    if (proto !== 'http' && proto !== 'https') return 'the X-Forwarded-Proto header is neither http nor https';
  }
  return undefined;
}

/**
 * Refuses a request whose host (or, behind a trusted proxy, forwarded host or protocol) cannot
 * be used to build the provider's URLs: 400 `invalid_request`, `Cache-Control: no-store`,
 * logged at warn (a client's mistake, not the server's).
 */
export function requireValidHost(proxy: () => boolean, logger: Logger): RequestHandler {
  return function requireValidHost(req, res, next) {
    const problem = hostProblem(req.headers, proxy());
    if (problem === undefined) return next();
    logger.warn('oidc request refused', { path: req.path, reason: 'invalid_host' });
    const spec = ERROR_ANSWERS.ERR_INVALID_REQUEST ?? { status: 400, error: 'invalid_request' };
    res.setHeader('Cache-Control', 'no-store');
    res.status(spec.status).json(oauthErrorBody({ error: spec.error, description: problem }));
  };
}
