import type { Response } from 'express';
import type { PushedInfo } from '@waymark/sdk';
import type { Client } from '../clients/types.js';

/** An authorization request once its client and parameters are known (pushed or plain). */
export interface AuthorizationRequest {
  client: Client;
  /** The parameters the journey sees: the pushed ones only (RFC 9101 §6.3), or the plain ones. */
  params: Record<string, string>;
  /** The pushed request (back channel), when the request came through PAR. */
  par: PushedInfo | undefined;
  /** The registered redirect_uri errors may be sent to (validated at PAR or here), if any. */
  redirectUri: string | undefined;
  state: string | undefined;
  /** The journey the push phase started at PAR (sealed by the engine): authorize redeems it instead of starting one. */
  pushedJourney?: string;
}

/**
 * What the steps of one request hand each other, kept under `res.locals.waymark` so the host
 * app's own locals are untouched.
 */
export interface WaymarkLocals {
  /** The request's id (`X-Request-Id`), set by the security headers step: on every log line and audit event of the request. */
  requestId?: string;
  /** The client IP (see client-ip.ts), set by the `clientIp` step. */
  clientIp?: string;
  /** The form parameters, each present once, empty ones dropped (RFC 6749 §3.1). */
  params?: Record<string, string>;
  /** The client, once identified (not yet authenticated until `authenticated` is true). */
  client?: Client;
  authenticated?: boolean;
  /** The OAuth error the response carried, for metrics and the access log. */
  oauthError?: string;
  /** The stable code (`ERR_…`) and description of the error the response carried, for the access log and audit events. */
  errorCode?: string;
  errorReason?: string;
  /** GET /authorize: the resolved authorization request. */
  authorization?: AuthorizationRequest;
  /** The flow the request starts. */
  flowId?: string;
  /** Its version, once a journey ran. */
  flowVersion?: number;
  /** The journey the request ran, once one did (for audit events). */
  journeyId?: string;
  /** POST /par: the journey its push phase started, sealed, for the pushed request to keep. */
  pushedJourney?: string;
  /** How a journey request ended, for metrics and the access log (`suspended`, `success`, `failure`). */
  journeyResult?: string;
  /** A failed journey: where it failed, its code and reason (the access log line carries them). */
  failure?: JourneyFailure;
}

/** Where and why a journey failed, as its log line says it. */
export interface JourneyFailure {
  node?: string;
  code: string;
  reason: string;
}

/** The failure of a failed journey result, for {@link WaymarkLocals.failure}. */
export function journeyFailure(result: { node?: string; code: string; reason: string; nodeReason?: string }): JourneyFailure {
  const failure: JourneyFailure = { code: result.code, reason: result.nodeReason ?? result.reason };
  if (result.node !== undefined) failure.node = result.node;
  return failure;
}

export function locals(res: Response): WaymarkLocals {
  const bag = res.locals as { waymark?: WaymarkLocals };
  bag.waymark ??= {};
  return bag.waymark;
}

/** The parameters parsed by `formBody`; an empty record when the step did not run. */
export function params(res: Response): Record<string, string> {
  return locals(res).params ?? {};
}
