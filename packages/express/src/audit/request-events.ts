import type { Request, Response } from 'express';
import type { AuditFields } from '@waymark/core';
import { answerOrServerError, type ErrorAnswer } from '@waymark/http';
import { locals, type WaymarkLocals } from '../lib/locals.js';
import { requestLogger } from '../lib/request-logger.js';
import type { RouterContext } from '../options.js';

/** What every audit event of a request says of it: its id, the client IP and the user agent. */
export function requestFields(state: WaymarkLocals, req: Request): Pick<AuditFields, 'requestId' | 'ip' | 'userAgent'> {
  return { requestId: state.requestId, ip: state.clientIp, userAgent: req.headers['user-agent'] };
}

/** `flowId@version` when both are known, else the flow id alone. */
export function flowLabel(state: WaymarkLocals): string | undefined {
  if (state.flowId === undefined) return undefined;
  return state.flowVersion === undefined ? state.flowId : `${state.flowId}@${state.flowVersion}`;
}

/**
 * An error handler's first step: the answer of `@waymark/http`'s table (an unexpected error is
 * logged with the request's id), noted in the request's locals for the access log and the audit
 * events; a failed client authentication is an audit event of its own (`client.auth_failed`).
 */
export function answerError(ctx: RouterContext, err: unknown, req: Request, res: Response): ErrorAnswer {
  const state = locals(res);
  const answer = answerOrServerError(err, req.path, requestLogger(ctx.logger, state.requestId));
  state.oauthError = answer.error;
  state.errorCode = answer.code;
  state.errorReason = answer.description;
  if (ctx.audit && answer.code === 'ERR_INVALID_CLIENT')
    ctx.audit.emit({
      type: 'client.auth_failed',
      outcome: 'refused',
      ...requestFields(state, req),
      // Only a registered client's id: an unknown one is whatever the caller sent.
      client_id: state.client?.clientId,
      code: answer.code,
      reason: answer.description,
    });
  return answer;
}

/** `POST /par`: accepted (201) or refused with its error code. */
export function auditPar(ctx: RouterContext): ((state: WaymarkLocals, status: number, req: Request) => void) | undefined {
  const audit = ctx.audit;
  if (!audit) return undefined;
  return (state, status, req) => {
    const accepted = status === 201;
    audit.emit({
      type: accepted ? 'par.accepted' : 'par.refused',
      outcome: accepted ? 'accepted' : 'refused',
      ...requestFields(state, req),
      client_id: state.client?.clientId,
      flow: flowLabel(state),
      node: state.failure?.node,
      code: accepted ? undefined : (state.failure?.code ?? state.errorCode ?? `status_${status}`),
      reason: accepted ? undefined : (state.failure?.reason ?? state.errorReason),
      journeyId: state.journeyId,
    });
  };
}

/** `GET /authorize`, `POST /authorize/continue`: the journey's result (`suspended`, `success`, `failure`), or `refused` with the error code. */
export function auditAuthorize(ctx: RouterContext): ((state: WaymarkLocals, status: number, req: Request) => void) | undefined {
  const audit = ctx.audit;
  if (!audit) return undefined;
  return (state, status, req) => {
    const outcome = state.journeyResult ?? 'refused';
    audit.emit({
      type: 'authorize.ended',
      outcome,
      ...requestFields(state, req),
      client_id: state.client?.clientId,
      flow: flowLabel(state),
      node: state.failure?.node,
      code: state.failure?.code ?? state.errorCode ?? (outcome === 'refused' ? `status_${status}` : undefined),
      reason: state.failure?.reason ?? state.errorReason,
      journeyId: state.journeyId,
    });
  };
}
