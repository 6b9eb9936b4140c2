// Shared by the walk scripts (scripts/walk/*.mjs): where Waymark is, a minimal browser, and the
// native app's sign-in at Waymark's own OpenID Provider. Plain ESM over real HTTP; openid-client
// is the OAuth client.
//
// WAYMARK_ISSUER  the issuer of the server (default http://localhost:3000, the shipped config's)
// WAYMARK_URL     where it listens, when that is not the issuer's origin (a test on a free port,
//                 a container): requests to the issuer's origin go there instead, the way
//                 `curl --connect-to` does. Default: the issuer.
import * as oidc from 'openid-client';

export const ISSUER = (process.env.WAYMARK_ISSUER ?? 'http://localhost:3000').replace(/\/+$/, '');
export const URL_BASE = (process.env.WAYMARK_URL ?? ISSUER).replace(/\/+$/, '');
const ISSUER_ORIGIN = new URL(ISSUER).origin;

/** The demo user of flows/fixtures/users.json (tests and demos only). */
export const ALICE = {
  username: 'alice',
  password: 'correct horse battery staple',
  sub: 'user-alice',
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
};
/** A browser's user agent: the local risk provider reads Node's own as a bot. */
export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** The URL to connect to for `url`: the issuer's origin goes to WAYMARK_URL. */
export function connectTo(url) {
  const href = String(url);
  return href.startsWith(ISSUER_ORIGIN) && URL_BASE !== ISSUER ? new URL(URL_BASE).origin + href.slice(ISSUER_ORIGIN.length) : href;
}

/** fetch, connecting to WAYMARK_URL for the issuer's origin (openid-client's customFetch). */
export const connectingFetch = (url, init) => fetch(connectTo(url), init);

/** openid-client options: loopback http allowed (development), requests sent where Waymark listens. */
export const clientOptions = (extra = {}) => ({ execute: [oidc.allowInsecureRequests], [oidc.customFetch]: connectingFetch, ...extra });

/** A minimal browser: a cookie jar (by name: one server), manual redirects, a user agent. */
export class Browser {
  cookies = new Map();
  constructor(userAgent = FIREFOX) {
    this.userAgent = userAgent;
  }

  /** Applies Set-Cookie lines; returns the names set and cleared. */
  take(headers) {
    const set = [];
    const cleared = [];
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0\s*(;|$)/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line)) {
        this.cookies.delete(name);
        cleared.push(name);
      } else {
        this.cookies.set(name, value);
        set.push(name);
      }
    }
    return { set, cleared };
  }

  async request(url, init = {}) {
    const headers = new globalThis.Headers(init.headers);
    headers.set('user-agent', this.userAgent);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(connectTo(url), { ...init, headers, redirect: 'manual' });
    res.cookieChanges = this.take(res.headers);
    return res;
  }

  /** Follows redirects until one leaves for `stopAt` (its location returned) or a page answers. */
  async follow(url, stopAt, init = {}) {
    let current = String(url);
    let res = await this.request(current, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, status: res.status, body: await res.text(), res };
      const next = new URL(location, current).href;
      await res.arrayBuffer();
      if (next.startsWith(stopAt)) return { url: current, status: res.status, location: next, res };
      current = next;
      res = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The first form of a page: its action and the values of its named inputs. */
export function formOf(html) {
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form on the page: ${html.slice(0, 200)}`);
  const unescape = (v) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const action = unescape(/action="([^"]*)"/.exec(form[0])?.[1] ?? '');
  const fields = {};
  for (const input of form[1].matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = unescape(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  const named = (type) => new RegExp(`name="([^"]+)" type="${type}"`).exec(form[1])?.[1];
  return { action, fields, username: named('text'), password: named('password') };
}

/** The native app's sign-in: the provider's client and API of the shipped config. */
export const NATIVE_APP = { clientId: 'mobile-app', redirectUri: 'com.example.app:/callback' };
export const SESSION_TRANSFER_AUDIENCE = `${ISSUER}/session-transfer`;

/**
 * The native app signs alice in at Waymark's OpenID Provider (authorization code + PKCE,
 * openid-client, the public client `mobile-app`) and asks for an access token for the
 * session-transfer API (RFC 8707 `resource`): the browser part (the login flow's credentials
 * page) is played by {@link Browser}. Returns the tokens.
 */
export async function nativeAppSignIn(print = () => {}) {
  return signIn(print, { ...NATIVE_APP, scope: 'openid session_transfer', resource: SESSION_TRANSFER_AUDIENCE });
}

/** The admin API's people client and audience in the shipped config. */
export const ADMIN_APP = { clientId: 'waymark-admin', redirectUri: 'http://127.0.0.1:8765/callback' };
export const ADMIN_AUDIENCE = `${ISSUER}/admin`;

/**
 * A person signs in at Waymark's OpenID Provider (code + PKCE, a public client) and the client
 * asks for an access token for `resource` (RFC 8707) with `scope`. Returns the tokens.
 */
export async function signIn(print, { clientId, redirectUri, scope, resource }) {
  const NATIVE_APP = { clientId, redirectUri };
  const SESSION_TRANSFER_AUDIENCE = resource;
  const config = await oidc.discovery(new URL(`${ISSUER}/oidc`), NATIVE_APP.clientId, undefined, oidc.None(), clientOptions());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: NATIVE_APP.redirectUri,
    scope,
    resource: SESSION_TRANSFER_AUDIENCE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  print(
    `${clientId === 'mobile-app' ? 'native app' : clientId}: GET ${url.origin}${url.pathname}?client_id=${NATIVE_APP.clientId}&resource=…&code_challenge=… (system browser)`,
  );
  const browser = new Browser();
  let step = await browser.follow(url.href, NATIVE_APP.redirectUri);
  if (step.location === undefined) {
    const form = formOf(step.body);
    print(`login flow: credentials page, signing in as ${ALICE.username}`);
    step = await browser.follow(new URL(form.action, step.url).href, NATIVE_APP.redirectUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, [form.username]: ALICE.username, [form.password]: ALICE.password }),
    });
  }
  if (step.location === undefined) throw new Error(`sign-in did not return to the app (HTTP ${step.status})`);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new URL(step.location),
    { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true },
    { resource: SESSION_TRANSFER_AUDIENCE },
  );
  print(
    `${clientId === 'mobile-app' ? 'native app' : clientId}: token endpoint answered an ID token for ${tokens.claims()?.sub} and a JWT access token for ${SESSION_TRANSFER_AUDIENCE}`,
  );
  return tokens;
}

/** POST JSON to Waymark; the answer's status, headers and JSON body. */
export async function postJson(path, body, headers = {}) {
  const res = await fetch(connectTo(`${ISSUER}${path}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Runs `main` as a script: prints its lines, exit 0 when it returns, 1 with the reason when it throws. */
export function runScript(main) {
  main((line) => console.log(line)).then(
    () => process.exit(0),
    (error) => {
      const oauth = error?.error ? ` (${error.error}: ${error.error_description ?? ''})` : '';
      console.error(`walk failed: ${error instanceof Error ? error.message : String(error)}${oauth}`);
      process.exit(1);
    },
  );
}
