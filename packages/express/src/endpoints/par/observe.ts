import type { RequestHandler } from 'express';
import { observeRequests } from '../../middleware/observe.js';
import type { RouterContext } from '../../options.js';
import { auditPar } from '../../audit/request-events.js';

/** PAR requests by client and result (`created`, the OAuth error, or `status_<code>`), timed, one access-log line and audit event (`par.accepted` / `par.refused`) each. */
export function observePar(ctx: RouterContext): RequestHandler {
  return observeRequests(
    ctx,
    'par',
    ctx.metrics.parRequests,
    (client, result) => ({ client, result }),
    (state, status) => (status === 201 ? 'created' : (state.oauthError ?? `status_${status}`)),
    auditPar(ctx),
  );
}
