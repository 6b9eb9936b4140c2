import { matchRedirectUri } from '../clients/redirect-uri.js';
import type { Client } from '../clients/types.js';
import { invalidRequest } from '../errors.js';

/* Client types whose journeys never send the browser back to a redirect_uri: the
 * session-transfer client ends at a redirect target, a service client has no browser. */
const NO_REDIRECT_TYPES = new Set(['session-transfer', 'service']);

/**
 * The redirect_uri an authorization request will use. RFC 6749 §3.1.2.3: a pushed value must
 * be registered (exact match, or one of the client's patterns). When omitted, a client with
 * exactly one registered redirect URI uses it (RFC 6749 §4.1.1 makes it optional then); a
 * session-transfer or service client may have none; anyone else must send one.
 */
export function resolveRedirectUri(client: Client, redirectUri: string | undefined): string | undefined {
  if (redirectUri !== undefined) {
    if (!matchRedirectUri(client, redirectUri)) throw invalidRequest('redirect_uri is not registered for this client', { param: 'redirect_uri' });
    return redirectUri;
  }
  if (client.redirectUris.length === 1 && client.redirectUriPatterns.length === 0) return client.redirectUris[0];
  if (client.redirectUris.length === 0 && client.redirectUriPatterns.length === 0 && NO_REDIRECT_TYPES.has(client.type)) return undefined;
  throw invalidRequest('redirect_uri is required for this client', { param: 'redirect_uri' });
}
