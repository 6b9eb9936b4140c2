import { request as httpRequest } from 'node:http';
import * as client from 'openid-client';

/**
 * The native app's side of a handoff, written the way an app would with openid-client v6:
 * discover Waymark (RFC 8414), push the authorization request with the app's access token
 * as `subject_token` (RFC 9126), and hand the short `request_uri` URL to the browser.
 */

/**
 * A `fetch` for openid-client whose connections leave from `localAddress` (any 127.0.0.0/8
 * address is this machine): the PAR request can then come from a different IP than the
 * browser, as it would from a phone that changed networks or from an attacker.
 */
export function fetchFrom(localAddress: string): client.CustomFetch {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const body = options.body === undefined || options.body === null ? undefined : String(options.body);
      const req = httpRequest(
        url,
        { method: options.method, headers: options.headers, localAddress, family: 4, signal: options.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
            }
            resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

export interface HandoffRequest {
  /** Waymark's issuer identifier. */
  issuer: string;
  /** The session-transfer client (public: no secret, PKCE). */
  clientId: string;
  /** The native app's access token. Goes in the PAR body only. */
  subjectToken: string;
  /** Where the browser should end up. */
  target: string;
  /** Push from this loopback address instead of the default route's (127.0.0.1). */
  localAddress?: string;
  /** Extra pushed parameters (`ip`, …). */
  extra?: Record<string, string>;
}

/**
 * Pushes a handoff and returns the authorization URL to open in the browser:
 * `<authorization_endpoint>?client_id=…&request_uri=urn:ietf:params:oauth:request_uri:…`.
 * The PKCE verifier is thrown away: this flow never reaches a token endpoint, the challenge
 * only satisfies the client's S256 requirement.
 */
export async function pushHandoff(request: HandoffRequest): Promise<URL> {
  const execute = [client.allowInsecureRequests]; // http on loopback only, in tests and the demo
  const options: client.DiscoveryRequestOptions = { execute, algorithm: 'oauth2' };
  if (request.localAddress) options[client.customFetch] = fetchFrom(request.localAddress);
  const config = await client.discovery(new URL(request.issuer), request.clientId, undefined, client.None(), options);
  const codeChallenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  return client.buildAuthorizationUrlWithPAR(config, {
    response_type: 'code',
    scope: 'session_transfer',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    subject_token: request.subjectToken,
    target: request.target,
    ...request.extra,
  });
}
