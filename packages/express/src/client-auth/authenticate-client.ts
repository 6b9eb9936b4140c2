import type { Client } from '../clients/types.js';
import type { RouterContext } from '../options.js';
import { secretMatches } from './client-secret.js';
import { invalidClient, type PresentedCredentials } from './presented-credentials.js';
import { verifyClientAssertion } from './private-key-jwt.js';

/**
 * Authenticates a client by the one method it registered (RFC 6749 §2.3). Throws
 * `ERR_INVALID_CLIENT` (401) on any failure; a client that uses or owns Basic gets a
 * `WWW-Authenticate` challenge. Public clients and client secrets are checked synchronously
 * (undefined); only private_key_jwt returns a promise (its assertion and the key set).
 */
export function authenticateClient(ctx: RouterContext, client: Client, presented: PresentedCredentials): Promise<void> | undefined {
  const basic = client.authMethod === 'client_secret_basic' || presented.method === 'client_secret_basic';
  // A client assertion is private_key_jwt or client_secret_jwt by the client's registration (RFC 7523 §2.2).
  const assertionMethod = presented.method === 'private_key_jwt' && client.authMethod === 'client_secret_jwt' ? 'client_secret_jwt' : presented.method;
  if (assertionMethod !== client.authMethod) {
    throw invalidClient(
      presented.method === 'none' ? 'client authentication is required for this client' : 'this client does not authenticate with the method used',
      basic,
    );
  }
  switch (presented.method) {
    case 'none':
      return undefined;
    case 'client_secret_basic':
    case 'client_secret_post':
      if (client.secret === undefined || !secretMatches(presented.secret, client.secret)) throw invalidClient('client authentication failed', basic);
      return undefined;
    case 'private_key_jwt':
      return verifyClientAssertion(ctx, client, presented.assertion);
  }
}
