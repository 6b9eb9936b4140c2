// The native app's side of the handoff ("Manage my profile" tapped), written as an app would
// with openid-client v6: discover Waymark (RFC 8414), push the authorization request with the
// access token as `subject_token` (RFC 9126), open the short URL in a browser. The token goes
// in the PAR body only; the URL carries nothing but client_id and request_uri.
import * as client from 'openid-client';

/**
 * Pushes a handoff for `accessToken` and returns the URL to open in the browser.
 * `print` gets what a developer wants to see (never the token).
 */
export async function pushHandoff({ issuer, clientId, accessToken, target, print = () => {} }) {
  print(`native app: discovering ${issuer}/.well-known/oauth-authorization-server`);
  // http is accepted for this loopback demo only; a real app talks https.
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    algorithm: 'oauth2',
    execute: [client.allowInsecureRequests],
  });
  // The session-transfer client requires S256 PKCE. The verifier is discarded: this flow
  // never reaches a token endpoint (it ends at the target with a session cookie).
  const codeChallenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
  print(
    `native app: pushing the handoff to ${config.serverMetadata().pushed_authorization_request_endpoint} as ${clientId} (token in the body only)`,
  );
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    response_type: 'code',
    scope: 'session_transfer',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    subject_token: accessToken,
    target,
  });
  return url.href;
}
