import type { RequestHandler } from 'express';
import { keepsInProcess, type FailureResult } from '@waymark/core';
import { WaymarkError, type JsonObject } from '@waymark/sdk';
import { toClientInfo } from '../../clients/client-registry.js';
import type { Client } from '../../clients/types.js';
import { HttpError } from '../../errors.js';
import { journeyFailure, locals } from '../../lib/locals.js';
import { TOKEN_PARAMETERS } from '../../lib/oauth-parameters.js';
import { requestInfo } from '../../lib/request-info.js';
import type { RouterContext } from '../../options.js';
import { browserJourneyMeta } from '../authorize/answer.js';
import { pushedParameters } from './store-request.js';

/**
 * How a journey that failed in its push phase is answered at the PAR endpoint:
 * - the flow reached `failure` (a node judged a pushed value: the token expired, was issued to
 *   another client, came without its DPoP proof) → 400 `invalid_request`. RFC 9126 §2.3 answers
 *   PAR with the authorization endpoint's error codes (RFC 6749 §4.1.2.1), where a bad parameter
 *   value is `invalid_request`; RFC 8693 §2.2.2 names the same code for a `subject_token` that is
 *   "invalid for any reason". (`invalid_grant` is a token endpoint code, RFC 6749 §5.2, and
 *   `access_denied` is the resource owner's or the server's refusal of a request that was fine.)
 *   The description names the node and its reason (`validateToken: expired`), never a value;
 * - it ended right after a node's `error` or `timeout` (the token issuer's keys unreachable)
 *   → 503 `temporarily_unavailable`: the request was not judged, the client may retry;
 * - anything else (a node that threw with nothing wired, the loop guard) → 500, logged.
 */
function refusal(result: FailureResult): WaymarkError {
  const last = result.trace[result.trace.length - 1];
  // A wired error/timeout outcome (no `code` on the step) means the node's dependency failed; a
  // step with a `code` is the engine's own failure (nothing wired), answered below.
  if (result.code === 'ERR_NODE_TIMEOUT' || (last?.code === undefined && (last?.outcome === 'error' || last?.outcome === 'timeout')))
    return new HttpError('ERR_PUSH_UNAVAILABLE', 'the pushed request could not be checked now; retry later');
  if (result.code === 'ERR_JOURNEY_FAILED')
    return new HttpError(
      'ERR_PUSH_REFUSED',
      last ? `the pushed request was refused by ${last.node}: ${result.nodeReason ?? last.outcome}` : 'the pushed request was refused',
      last ? { node: last.node, reason: result.nodeReason ?? last.outcome } : {},
    );
  return new WaymarkError(result.code, `the push phase failed: ${result.reason}`);
}

/**
 * RFC 9126 §2.1: "The authorization server MUST validate the request in the same way as at the
 * authorization endpoint" — for a journey, that is its flow. The client's flow starts here, on
 * the PAR request (its method and endpoint URL set, so a DPoP proof can be checked), and runs
 * its push phase: the nodes that need no browser (`token.validate`), up to the first that does.
 * A refusal answers this request at once (see `refusal`), so the app learns before it opens a
 * browser and no request_uri is issued; a pass leaves the journey sealed, for the pushed request
 * to keep and the authorize endpoint to redeem. Without an engine that has a push phase the
 * request is stored as pushed, and a token parameter is refused: nothing could judge it now,
 * and the pushed request never holds a token in clear.
 */
export function runPushPhase(ctx: RouterContext): RequestHandler {
  const inProcess = keepsInProcess(ctx.stores.pushedRequests);
  return async function runPushPhase(req, res, next) {
    const state = locals(res);
    const client = state.client as Client;
    const pushed = pushedParameters(res, client);
    const engine = ctx.engine;
    if (!engine?.push) {
      for (const name of Object.keys(pushed))
        if (TOKEN_PARAMETERS.has(name))
          throw new HttpError('ERR_NO_ENGINE', `"${name}" can only be pushed to a router whose engine runs the push phase`, {
            param: name,
          });
      next();
      return;
    }
    const ip = state.clientIp ?? 'unknown';
    const result = await engine.push(state.flowId ?? client.defaultFlow, {
      request: { ...requestInfo(req, res), method: 'POST', url: ctx.endpoints.pushedAuthorizationRequest },
      par: { clientId: client.clientId, ip, params: pushed },
      params: pushed,
      client: toClientInfo(client),
      meta: browserJourneyMeta(client.clientId, pushed['redirect_uri'], pushed['state']) as unknown as JsonObject,
      // A memory pushed-request store never leaves the process: the engine keeps the journey, unsealed.
      ...(inProcess ? { inProcess } : {}),
    });
    state.flowVersion = result.flowVersion;
    state.journeyId = result.journeyId;
    if (result.status === 'failure') {
      state.failure = journeyFailure(result);
      throw refusal(result);
    }
    state.pushedJourney = result.sealed;
    next();
  };
}
