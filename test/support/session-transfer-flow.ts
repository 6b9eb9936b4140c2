import { readFileSync } from 'node:fs';
import type { TokenIssuer } from './servers.js';

/**
 * The shipped `flows/session-transfer.json`, pointed at a test token issuer: the one place the
 * end-to-end, scale and CLI tests get the session-transfer flow from, so the flow they run is the
 * shipped one with only these values changed:
 *
 * - `token.validate`: the run's `issuer`, `audience`, `jwksUri` and `allowedClients` (an inline
 *   `jwks`, if the flow ever gains one, is dropped so the test issuer's JWKS URL is the only key
 *   source);
 * - `redirect`: `allowLoopbackHttp` on, because test targets are `http://localhost:<port>`.
 *
 * Throws naming the file to update when the shipped flow no longer has those nodes.
 *
 * @example
 * const tokens = await startTokenIssuer({ audience, clientId: 'mobile-app' });
 * writeFileSync(join(dir, 'session-transfer.json'), JSON.stringify(sessionTransferFlow(tokens, audience)));
 */
export function sessionTransferFlow(
  tokens: Pick<TokenIssuer, 'issuer' | 'jwksUri'>,
  audience: string,
  allowedClients: readonly string[] = [NATIVE_APP],
): SessionTransferFlow {
  const flow = JSON.parse(readFileSync(SHIPPED, 'utf8')) as SessionTransferFlow;
  const nodes = Object.values(flow.nodes);
  const validate = nodes.find((n) => n.type === 'token.validate');
  const redirect = nodes.find((n) => n.type === 'redirect');
  if (!validate || !redirect)
    throw new Error(
      'flows/session-transfer.json no longer has a token.validate and a redirect node: update test/support/session-transfer-flow.ts',
    );
  validate.config = { ...validate.config, issuer: tokens.issuer, audience, jwksUri: tokens.jwksUri, allowedClients: [...allowedClients] };
  delete validate.config['jwks'];
  redirect.config = { ...redirect.config, allowLoopbackHttp: true };
  return flow;
}

/** The native app the test tokens are issued to (their `client_id`), the flow's default allowed client. */
export const NATIVE_APP = 'mobile-app';

/** The flow JSON, as far as the helper reads it. */
export interface SessionTransferFlow {
  id: string;
  nodes: Record<string, { type: string; config?: Record<string, unknown>; outcomes: Record<string, string> }>;
  [key: string]: unknown;
}

const SHIPPED = new URL('../../flows/session-transfer.json', import.meta.url);
