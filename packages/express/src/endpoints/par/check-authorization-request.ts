import type { RequestHandler } from 'express';
import type { Client } from '../../clients/types.js';
import { HttpError, invalidRequest } from '../../errors.js';
import { locals, params } from '../../lib/locals.js';
import { checkPkce } from '../../oauth/pkce.js';
import { resolveRedirectUri } from '../../oauth/redirect-uri.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * RFC 9126 §2.1: the pushed parameters are validated as the authorization endpoint would
 * validate them: response_type, redirect_uri, PKCE and scope. The resolved redirect_uri (when
 * omitted and the client has exactly one) is written back into the parameters.
 */
export function checkAuthorizationRequest(): RequestHandler {
  return function checkAuthorizationRequest(_req, res, next) {
    const client = locals(res).client as Client;
    const p = params(res);
    // RFC 6749 §4.1.1: the code flow is the only one this adapter serves.
    if (p['response_type'] === undefined) throw invalidRequest('response_type is required', { param: 'response_type' });
    if (p['response_type'] !== 'code') throw new HttpError('ERR_UNSUPPORTED_RESPONSE_TYPE', 'response_type must be "code"', { param: 'response_type' });
    const redirectUri = resolveRedirectUri(client, p['redirect_uri']);
    if (redirectUri !== undefined) p['redirect_uri'] = redirectUri;
    checkPkce(client, p['code_challenge'], p['code_challenge_method']);
    if (p['scope'] !== undefined && !SCOPE.test(p['scope'])) throw new HttpError('ERR_INVALID_SCOPE', 'scope must be space-separated scope tokens (RFC 6749 §3.3)', { param: 'scope' });
    next();
  };
}
