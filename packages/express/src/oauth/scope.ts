import type { Client } from '../clients/types.js';
import { HttpError } from '../errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * Checks a requested `scope` (RFC 6749 §3.3): well formed, and every token one of the client's
 * `allowed_scopes`, else `invalid_scope` ("The requested scope is invalid, unknown, or
 * malformed", §4.1.2.1). Nothing is dropped silently: a scope the client may not have is an
 * error, not a narrower grant. The message never repeats the value.
 */
export function checkScope(client: Pick<Client, 'allowedScopes'>, scope: string | undefined): void {
  if (scope === undefined) return;
  if (!SCOPE.test(scope)) throw new HttpError('ERR_INVALID_SCOPE', 'scope must be space-separated scope tokens (RFC 6749 §3.3)', { param: 'scope' });
  for (const token of scope.split(' '))
    if (!client.allowedScopes.includes(token))
      throw new HttpError('ERR_INVALID_SCOPE', 'scope names a scope this client may not request; list it in the client\'s allowed_scopes', { param: 'scope' });
}
