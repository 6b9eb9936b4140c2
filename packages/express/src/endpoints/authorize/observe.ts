import type { RequestHandler } from 'express';
import { observeRequests } from '../../middleware/observe.js';
import type { RouterContext } from '../../options.js';
import { auditAuthorize } from '../../audit/request-events.js';

/**
 * Authorize and continue requests by client and result (the journey's `suspended`, `success`
 * or `failure`; the OAuth error when no journey ran; else `status_<code>`), timed, one
 * access-log line and audit event (`authorize.ended`) each.
 */
export function observeAuthorize(ctx: RouterContext, endpoint: 'authorize' | 'authorize_continue'): RequestHandler {
  return observeRequests(
    ctx,
    endpoint,
    ctx.metrics.authorizeRequests,
    (client, result) => ({ client, result }),
    (state, status) =>
      state.oauthError !== undefined && state.journeyResult === undefined ? state.oauthError : (state.journeyResult ?? `status_${status}`),
    auditAuthorize(ctx),
  );
}
