import type { Client } from '../clients/types.js';
import { invalidRequest } from '../errors.js';

// RFC 7636 §4.2: code_challenge = 43*128unreserved.
const CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
// RFC 7636 §4.2: S256 gives BASE64URL(SHA256(verifier)): exactly 43 characters, no padding.
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/**
 * Checks code_challenge and code_challenge_method against the client's PKCE enforcement
 * (PingOne's OPTIONAL / REQUIRED / S256_REQUIRED). RFC 7636 §4.3: an absent method means
 * `plain`, so S256_REQUIRED refuses a challenge sent without a method.
 */
export function checkPkce(client: Pick<Client, 'pkce'>, challenge: string | undefined, method: string | undefined): void {
  if (challenge === undefined) {
    if (method !== undefined) throw invalidRequest('code_challenge_method was sent without code_challenge', { param: 'code_challenge' });
    if (client.pkce !== 'OPTIONAL') throw invalidRequest('code_challenge is required for this client (PKCE, RFC 7636)', { param: 'code_challenge' });
    return;
  }
  const effective = method ?? 'plain';
  if (effective !== 'S256' && effective !== 'plain') throw invalidRequest('code_challenge_method must be "S256"', { param: 'code_challenge_method' });
  if (effective === 'plain' && client.pkce === 'S256_REQUIRED')
    throw invalidRequest('this client must use code_challenge_method "S256" (RFC 7636 §4.2)', { param: 'code_challenge_method' });
  if (!(effective === 'S256' ? S256_CHALLENGE : CHALLENGE).test(challenge))
    throw invalidRequest('code_challenge is malformed (RFC 7636 §4.2)', { param: 'code_challenge' });
}
