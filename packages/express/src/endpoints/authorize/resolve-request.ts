import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { HttpError, invalidRequest } from '../../errors.js';
import { locals, params } from '../../lib/locals.js';
import {
  CLIENT_AUTH_PARAMETERS,
  REQUEST_URI_PREFIX,
  STANDARD_AUTHORIZATION_PARAMETERS,
  TOKEN_PARAMETERS,
} from '../../lib/oauth-parameters.js';
import { printableName } from '../../lib/printable.js';
import { flowFor } from '../../oauth/flow-choice.js';
import { checkPkce } from '../../oauth/pkce.js';
import { checkPushedValues } from '../../oauth/pushed-values.js';
import { resolveRedirectUri } from '../../oauth/redirect-uri.js';
import { checkScope } from '../../oauth/scope.js';
import type { RouterContext } from '../../options.js';
import { repeatedParams } from './read-query.js';

const REQUEST_URI_ID = /^[A-Za-z0-9_-]{1,128}$/;

function refuseRepeats(names: Iterable<string>, counted: (name: string) => boolean): void {
  for (const name of names)
    if (counted(name))
      throw invalidRequest(`parameter "${printableName(name)}" is included more than once (RFC 6749 §3.1)`, { param: printableName(name) });
}

/**
 * Identifies the client and its authorization request. RFC 6749 §4.1.2.1: a missing or
 * unknown client_id is never answered by a redirect (the error handler shows a page).
 */
export function identifyClient(ctx: RouterContext): RequestHandler {
  return function identifyClient(_req, res, next) {
    const clientId = params(res)['client_id'];
    refuseRepeats(repeatedParams(res), (n) => n === 'client_id' || n === 'request_uri');
    if (clientId === undefined) throw invalidRequest('client_id is required', { param: 'client_id' });
    const client = ctx.clients.get(clientId);
    if (!client) throw new HttpError('ERR_INVALID_CLIENT', 'unknown client');
    locals(res).client = client;
    next();
  };
}

/**
 * `request_uri`: takes the pushed request (atomically: of two redemptions exactly one gets it,
 * RFC 9126 §4 "one-time use"), refuses it when expired ("An expired request_uri MUST be rejected
 * as invalid") or pushed by another client (RFC 9101 §6.3: the client ids "MUST be identical"),
 * and then uses the pushed parameters only, whatever else the URL carries (RFC 9101 §6.3: "MUST
 * only use the parameters in the Request Object, even if the same parameter is provided in the
 * query parameter"). The request is consumed before those checks, so a wrong client burns it too.
 * Refused before anything is taken: `request` beside it (RFC 9101 §5: "If this parameter is
 * present in the authorization request, request MUST NOT be present"), and a request_uri this
 * server did not issue (a URL to fetch: `request_uri_not_supported`).
 */
export function takePushedRequest(ctx: RouterContext): RequestHandler {
  return async function takePushedRequest(_req, res, next) {
    const client = locals(res).client as Client;
    const requestUri = params(res)['request_uri'];
    if (requestUri === undefined) {
      next();
      return;
    }
    if (params(res)['request'] !== undefined)
      throw invalidRequest('request must not be sent with request_uri (RFC 9101 §5)', { param: 'request' });
    if (!requestUri.startsWith(REQUEST_URI_PREFIX))
      throw new HttpError('ERR_REQUEST_URI_NOT_SUPPORTED', `only request_uri values of this server's PAR endpoint (${REQUEST_URI_PREFIX}…) are supported`, {
        param: 'request_uri',
      });
    const invalid = () =>
      new HttpError('ERR_REQUEST_URI_INVALID', 'request_uri is unknown, used already or expired; push the request again (RFC 9126 §4)');
    const id = requestUri.slice(REQUEST_URI_PREFIX.length);
    if (!REQUEST_URI_ID.test(id)) throw invalid();
    const pushed = await ctx.stores.pushedRequests.take(id);
    if (!pushed || pushed.expiresAt <= ctx.clock.now() || pushed.clientId !== client.clientId) throw invalid();
    // Taken (removed) from the store, so ours alone: frozen as it is, and shown to nodes without another copy.
    const pushedParams = Object.freeze(pushed.params);
    locals(res).authorization = {
      client,
      params: pushedParams,
      par: { clientId: pushed.clientId, ip: pushed.ip, params: pushedParams },
      // Validated as registered when it was pushed (RFC 9126 §2.1), and resolved there when omitted.
      redirectUri: pushedParams['redirect_uri'],
      state: pushedParams['state'],
      // The journey its push phase started (it holds the pushed token, sealed): redeemed, not started again.
      ...(pushed.journey !== undefined ? { pushedJourney: pushed.journey } : {}),
    };
    next();
  };
}

/**
 * A plain authorization request (no request_uri). RFC 9126 §4: a client whose policy is PAR
 * only is refused with invalid_request. Otherwise the parameters are validated as PAR validates
 * them: names (standard ones and the client's allowed_pushed_parameters; never a credential or
 * a token, which must not travel in a URL), response_type, redirect_uri, PKCE and scope.
 */
export function checkPlainRequest(): RequestHandler {
  return function checkPlainRequest(_req, res, next) {
    const state = locals(res);
    if (state.authorization) {
      next();
      return;
    }
    const client = state.client as Client;
    if (client.requirePushedAuthorizationRequests)
      throw invalidRequest('this client must push its authorization request first (RFC 9126 §4); send client_id and request_uri only', {
        param: 'request_uri',
      });
    refuseRepeats(repeatedParams(res), () => true);
    const p = { ...params(res) };
    if (p['request'] !== undefined)
      throw new HttpError('ERR_REQUEST_NOT_SUPPORTED', 'request objects are not supported; send the parameters, or push them (PAR)', { param: 'request' });
    const allowed = new Set(client.allowedPushedParameters);
    for (const name of Object.keys(p)) {
      if (CLIENT_AUTH_PARAMETERS.has(name) || TOKEN_PARAMETERS.has(name))
        throw invalidRequest(`parameter "${name}" must never be sent in a URL`, { param: name });
      if (!STANDARD_AUTHORIZATION_PARAMETERS.has(name) && !allowed.has(name))
        throw invalidRequest(`parameter "${printableName(name)}" is not accepted for this client`, { param: printableName(name) });
    }
    // RFC 6749 §4.1.2.1: a bad redirect_uri is answered by a page, never by a redirect to it.
    const redirectUri = resolveRedirectUri(client, p['redirect_uri']);
    if (redirectUri !== undefined) p['redirect_uri'] = redirectUri;
    const request = { client, params: p, par: undefined, redirectUri, state: p['state'] };
    // From here on errors may go back to the (registered) redirect_uri.
    state.authorization = request;
    if (p['response_type'] === undefined) throw invalidRequest('response_type is required', { param: 'response_type' });
    if (p['response_type'] !== 'code')
      throw new HttpError('ERR_UNSUPPORTED_RESPONSE_TYPE', 'response_type must be "code"', { param: 'response_type' });
    checkPkce(client, p['code_challenge'], p['code_challenge_method']);
    checkScope(client, p['scope']);
    checkPushedValues(client, p);
    next();
  };
}

/**
 * The flow: `acr_values` naming one of the client's `allowed_flows` (the first such value),
 * else the client's default flow (its first allowed flow); see `flowFor`. A pushed request
 * whose push phase started a journey already has its flow (chosen at PAR, the same way).
 */
export function chooseFlow(): RequestHandler {
  return function chooseFlow(_req, res, next) {
    const state = locals(res);
    const request = state.authorization;
    if (!request) throw invalidRequest('no authorization request');
    if (request.pushedJourney === undefined) state.flowId = flowFor(request.client, request.params['acr_values']);
    next();
  };
}
