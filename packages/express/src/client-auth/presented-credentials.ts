import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt } from 'jose';
import { HttpError, invalidRequest } from '../errors.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../lib/oauth-parameters.js';

/** The credentials a request carries, before any is checked. */
export type PresentedCredentials =
  | { method: 'client_secret_basic'; clientId: string; secret: string }
  | { method: 'client_secret_post'; clientId: string; secret: string }
  | { method: 'private_key_jwt'; clientId: string; assertion: string }
  | { method: 'none'; clientId: string };

/** RFC 6749 §5.2 / RFC 7235 §3.1: a 401 to a client that tried (or must use) Basic names the scheme. */
export const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="waymark", charset="UTF-8"' };

export function invalidClient(message: string, basic: boolean): HttpError {
  return new HttpError('ERR_INVALID_CLIENT', message, {}, { headers: basic ? BASIC_CHALLENGE : {} });
}

/* RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function parseBasic(header: string): { clientId: string; secret: string } {
  const match = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match?.[1]) throw invalidClient('the Authorization header is not valid Basic credentials', true);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const clientId = colon === -1 ? undefined : formDecode(decoded.slice(0, colon));
  const secret = colon === -1 ? undefined : formDecode(decoded.slice(colon + 1));
  if (!clientId || secret === undefined) throw invalidClient('the Authorization header is not valid Basic credentials', true);
  return { clientId, secret };
}

function assertionIssuer(assertion: string): string | undefined {
  try {
    const { iss } = decodeJwt(assertion);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Works out which client authentication method a request uses and for which client id. It
 * checks nothing cryptographic; `authenticateClient` does. RFC 6749 §2.3: a client must not use
 * more than one method in one request.
 */
export function presentedCredentials(headers: IncomingHttpHeaders, params: Readonly<Record<string, string>>): PresentedCredentials {
  const authorization = headers.authorization;
  const bodyId = params['client_id'];
  const secret = params['client_secret'];
  const assertion = params['client_assertion'];
  const assertionType = params['client_assertion_type'];
  const used = [authorization !== undefined, secret !== undefined, assertion !== undefined || assertionType !== undefined].filter(Boolean).length;
  if (used > 1) throw invalidRequest('use exactly one client authentication method (RFC 6749 §2.3)');

  if (authorization !== undefined) {
    const basic = parseBasic(authorization);
    // RFC 6749 §2.3.1 / §4.1.1: one request names one client; two different ids are a malformed request (400), not failed authentication.
    if (bodyId !== undefined && bodyId !== basic.clientId) throw invalidRequest('client_id does not match the client of the Authorization header', { param: 'client_id' });
    return { method: 'client_secret_basic', ...basic };
  }
  if (secret !== undefined) {
    if (bodyId === undefined) throw invalidRequest('client_id is required with client_secret (client_secret_post)', { param: 'client_id' });
    return { method: 'client_secret_post', clientId: bodyId, secret };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    // RFC 7521 §4.2: both parameters are required together.
    if (assertion === undefined || assertionType === undefined) throw invalidRequest('client_assertion and client_assertion_type go together (RFC 7521 §4.2)');
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE} (RFC 7523 §2.2)`, false);
    // RFC 7523 §3: iss (and sub) name the client; client_id in the body is optional but must agree.
    const issuer = assertionIssuer(assertion);
    if (issuer === undefined) throw invalidClient('client_assertion is not a JWT with an iss claim', false);
    if (bodyId !== undefined && bodyId !== issuer) throw invalidRequest('client_id does not match the client of the client assertion', { param: 'client_id' });
    return { method: 'private_key_jwt', clientId: issuer, assertion };
  }
  // RFC 9126 §2.1 / RFC 6749 §4.1.1: client_id is a required parameter; without it (and no other credentials) the request is malformed.
  if (bodyId === undefined) throw invalidRequest('client_id is required', { param: 'client_id' });
  return { method: 'none', clientId: bodyId };
}
