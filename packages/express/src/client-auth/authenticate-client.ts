import type { Client } from '../clients/types.js';
import type { RouterContext } from '../options.js';
import { secretMatches } from './client-secret.js';
import { invalidClient, type PresentedCredentials } from './presented-credentials.js';
import { verifyClientAssertion } from './private-key-jwt.js';

/**
 * Authenticates a client by the one method it registered (RFC 6749 §2.3). Throws
 * `ERR_INVALID_CLIENT` (401) on any failure; a client that uses or owns Basic gets a
 * `WWW-Authenticate` challenge.
 */
export async function authenticateClient(ctx: RouterContext, client: Client, presented: PresentedCredentials): Promise<void> {
  const basic = client.authMethod === 'client_secret_basic' || presented.method === 'client_secret_basic';
  if (presented.method !== client.authMethod) {
    throw invalidClient(
      presented.method === 'none' ? 'client authentication is required for this client' : 'this client does not authenticate with the method used',
      basic,
    );
  }
  switch (presented.method) {
    case 'none':
      return;
    case 'client_secret_basic':
    case 'client_secret_post':
      if (client.secret === undefined || !secretMatches(presented.secret, client.secret)) throw invalidClient('client authentication failed', basic);
      return;
    case 'private_key_jwt':
      await verifyClientAssertion(ctx, client, presented.assertion);
      return;
  }
}
