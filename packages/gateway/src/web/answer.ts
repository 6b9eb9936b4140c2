import type { Request, Response } from 'express';
import { contentSecurityPolicy, escapeHtml, layout, prefersJson } from '@waymark/http';
import { WebRouteError } from './errors.js';
import type { RouteContext } from './context.js';

/** Sends the gateway's own page (a sign-in error, the logout confirmation): never cached, never framed. */
export function sendPage(res: Response, status: number, html: string, formActions: readonly string[] = []): void {
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(formActions));
  res.type('html').send(html);
}

/**
 * Answers a failure of a route step: a page for a browser, JSON (`error`, `error_description`,
 * `code`) for a client that asked for it; the status of the code; never a stack. Anything that
 * is not a {@link WebRouteError} is a 500 `server_error`, logged.
 */
export function sendError(req: Request, res: Response, ctx: RouteContext, cause: unknown): void {
  const error =
    cause instanceof WebRouteError
      ? cause
      : new WebRouteError('ERR_GATEWAY_WEB_INTERNAL', 'the gateway could not complete the request: try again later');
  const status = error.status;
  (status >= 500 ? ctx.logger.error : ctx.logger.warn).call(ctx.logger, 'gateway web route refused a request', {
    code: error.code,
    path: req.path,
    ...(cause instanceof WebRouteError ? error.details : { cause: String(cause) }),
  });
  if (res.headersSent) return void res.end();
  if (prefersJson(req)) {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.json({
      error: status === 401 ? 'login_required' : status >= 500 ? 'server_error' : 'invalid_request',
      error_description: error.message,
      code: error.code,
    });
    return;
  }
  const title = status === 401 ? 'Sign-in required' : status >= 500 ? 'Something went wrong' : 'Sign-in failed';
  const back = `<p><a href="${escapeHtml(ctx.landing)}">Start again</a></p>`;
  sendPage(res, status, layout(title, `<p role="alert" class="error">${escapeHtml(error.message)} (${escapeHtml(error.code)})</p>${back}`));
}
