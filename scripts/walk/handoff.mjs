// Walks the app-to-web handoff against a running Waymark (npm start):
//
//   node scripts/walk/handoff.mjs            # plays the native app and the browser: exit 0 when the browser lands
//   node scripts/walk/handoff.mjs --url      # plays the native app only: prints the URL to open in a browser
//
// 1. The native app (`mobile-app`) signs alice in at Waymark's own OpenID Provider
//    (http://localhost:3000/oidc, authorization code + PKCE) and gets a JWT access token for
//    the session-transfer audience (RFC 8707 resource indicator).
// 2. It pushes that token as `subject_token` to POST /par as the `session-transfer` client
//    (openid-client's buildAuthorizationUrlWithPAR): the token travels on the back channel only.
// 3. The browser opens /authorize?client_id=session-transfer&request_uri=…: the
//    session-transfer flow validates the token, matches the IP, redirects 303 to the target
//    with a fresh Waymark session cookie. A second use of the same URL is refused.
import * as oidc from 'openid-client';
import { Browser, clientOptions, ISSUER, nativeAppSignIn, runScript } from './lib.mjs';

const TARGET = 'http://localhost:4000/profile';
const SESSION_COOKIE = '__Host-waymark-session';

runScript(async (print) => {
  const onlyUrl = process.argv.includes('--url');
  const tokens = await nativeAppSignIn(print);
  const config = await oidc.discovery(new URL(ISSUER), 'session-transfer', undefined, oidc.None(), clientOptions({ algorithm: 'oauth2' }));
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    response_type: 'code',
    scope: 'session_transfer',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    subject_token: tokens.access_token,
    target: TARGET,
  });
  print(`native app: POST ${ISSUER}/par (subject_token, target) → request_uri, valid for 60 s`);
  if (onlyUrl) {
    print('open in a browser on this machine within 60 seconds:');
    print(url.href);
    return;
  }
  const browser = new Browser();
  const res = await browser.request(url.href);
  const location = res.headers.get('location');
  if (res.status !== 303 || location !== TARGET)
    throw new Error(`authorize answered ${res.status} ${location ?? (await res.text()).slice(0, 200)}`);
  if (!browser.cookies.has(SESSION_COOKIE)) throw new Error('no session cookie');
  print(`browser: GET /authorize?client_id=session-transfer&request_uri=… → 303 ${location}, Set-Cookie ${SESSION_COOKIE}`);
  const again = await new Browser().request(url.href);
  const sets = again.cookieChanges.set.includes(SESSION_COOKIE);
  if (again.status < 400 || sets) throw new Error(`the used request_uri was accepted again (${again.status})`);
  print(`browser: the same URL again → ${again.status}, no session (single use)`);
  print('handoff: ok');
});
