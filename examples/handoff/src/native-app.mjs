// The native app's side of the handoff, written as an app would with openid-client v6:
// 1. it signs the user in through Waymark's OpenID Provider (authorization code + PKCE, a public
//    client) and asks for an access token for the session-transfer API (RFC 8707 `resource`): a
//    JWT (RFC 9068) issued to the app, whose audience is `<issuer>/session-transfer`;
// 2. "Manage my profile" tapped: it discovers Waymark (RFC 8414), pushes the authorization
//    request with that token as `subject_token` (RFC 9126), opens the short URL in a browser.
// The token goes in the PAR body only; the URL carries nothing but client_id and request_uri.
import * as client from 'openid-client';

/** The system browser's part of the sign-in, played by the demo: redirects followed, cookies kept, the credentials page answered. */
async function browse(url, stopAt, { username, password }) {
  const cookies = new Map();
  const request = async (href, init = {}) => {
    const headers = { ...init.headers };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(href, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };
  let res = await request(url);
  let current = url;
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get('location');
    if (location !== null) {
      const next = new URL(location, current).href;
      if (next.startsWith(stopAt)) return next;
      await res.arrayBuffer();
      current = next;
      res = await request(next);
      continue;
    }
    // The login flow's credentials page: one form, a text and a password field.
    const html = await res.text();
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
    if (!form) throw new Error(`the sign-in stopped at HTTP ${res.status} without a form`);
    const fields = new URLSearchParams();
    for (const [input] of form[2].matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (!name) continue;
      const type = /type="([^"]*)"/.exec(input)?.[1];
      const value = (/value="([^"]*)"/.exec(input)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
      fields.set(name, type === 'password' ? password : type === 'text' ? username : value);
    }
    current = new URL(form[1].replace(/&amp;/g, '&'), current).href;
    res = await request(current, { method: 'POST', body: fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  throw new Error('too many redirects');
}

/**
 * Signs `username` in at Waymark's OpenID Provider as the native app (code + PKCE) and returns
 * the JWT access token it issues for `resource`. `print` gets what a developer wants to see.
 */
export async function signInNatively({ provider, clientId, redirectUri, resource, username, password, print = () => {} }) {
  // http is accepted for this loopback demo only; a real app talks https.
  const config = await client.discovery(new URL(provider), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid session_transfer',
    resource,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  print(`native app: signing ${username} in at ${provider} (authorization code + PKCE, resource ${resource})`);
  const callback = await browse(url.href, redirectUri, { username, password });
  const tokens = await client.authorizationCodeGrant(
    config,
    new URL(callback),
    { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true },
    { resource },
  );
  print(`native app: signed in as ${tokens.claims()?.sub}; holds a JWT access token issued to ${clientId} for ${resource}`);
  return tokens.access_token;
}

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
