import type { Client } from '../clients/types.js';
import { invalidRequest } from '../errors.js';
import { isAllowedRedirectTarget } from './redirect-target.js';

/** RFC 8693 §3: the token type URI of an OAuth access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * The handoff's own parameters, checked where they arrive (RFC 9126 §2.1: the PAR endpoint
 * validates the request as the authorization endpoint would, so the app learns at once):
 * - `target` must be one of the client's `redirect_targets` (exact origin, path prefix; the
 *   rule the `redirect` node and the final 303 apply too, which still check again);
 * - `subject_token_type`, when sent, must say the subject token is an access token (RFC 8693
 *   §2.1, §3): the session transfer takes nothing else.
 * The messages name the parameter, never its value.
 */
export function checkPushedValues(client: Client, params: Readonly<Record<string, string>>): void {
  const target = params['target'];
  if (target !== undefined && !isAllowedRedirectTarget(client, target))
    throw invalidRequest('target is not one of this client\'s redirect_targets', { param: 'target' });
  const type = params['subject_token_type'];
  if (type !== undefined && type !== ACCESS_TOKEN_TYPE)
    throw invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE} (RFC 8693 §3)`, { param: 'subject_token_type' });
}
