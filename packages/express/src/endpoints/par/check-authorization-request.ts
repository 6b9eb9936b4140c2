import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { HttpError, invalidRequest } from '../../errors.js';
import { locals, params } from '../../lib/locals.js';
import { flowFor } from '../../oauth/flow-choice.js';
import { checkPkce } from '../../oauth/pkce.js';
import { checkPushedValues } from '../../oauth/pushed-values.js';
import { resolveRedirectUri } from '../../oauth/redirect-uri.js';
import { checkScope } from '../../oauth/scope.js';

/**
 * RFC 9126 §2.1: the pushed parameters are validated as the authorization endpoint would
 * validate them: response_type, redirect_uri, PKCE, scope (well formed and within the client's
 * `allowed_scopes`), the handoff's `target` (on the client's `redirect_targets`) and
 * `subject_token_type`, and the flow `acr_values` picks. The resolved redirect_uri (when
 * omitted and the client has exactly one) is written back into the parameters.
 */
export function checkAuthorizationRequest(): RequestHandler {
  return function checkAuthorizationRequest(_req, res, next) {
    const state = locals(res);
    const client = state.client as Client;
    const p = params(res);
    // RFC 6749 §4.1.1: the code flow is the only one this adapter serves.
    if (p['response_type'] === undefined) throw invalidRequest('response_type is required', { param: 'response_type' });
    if (p['response_type'] !== 'code') throw new HttpError('ERR_UNSUPPORTED_RESPONSE_TYPE', 'response_type must be "code"', { param: 'response_type' });
    const redirectUri = resolveRedirectUri(client, p['redirect_uri']);
    if (redirectUri !== undefined) p['redirect_uri'] = redirectUri;
    checkPkce(client, p['code_challenge'], p['code_challenge_method']);
    checkScope(client, p['scope']);
    checkPushedValues(client, p);
    state.flowId = flowFor(client, p['acr_values']);
    next();
  };
}
