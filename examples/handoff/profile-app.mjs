// The profile web app of the handoff story (Phase 3): a confidential OpenID Connect client
// written with openid-client 6. It knows nothing of handoffs: /profile needs a signed-in user,
// so without one it starts its own authorization code + PKCE request at Waymark's OpenID
// Provider. When the browser already holds the Waymark session a handoff created, the provider
// signs the user in without a prompt and /profile shows the ID token's `sub`.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import * as oidc from 'openid-client';

const APP_COOKIE = 'profile_sid';
const LOGIN_COOKIE = 'profile_login';

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function cookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function page(res, status, title, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  );
}

/**
 * Starts the profile app on `host:port` (port 0: any free one).
 *
 * @param {{ issuer?: string, clientId: string, clientSecret: string, host?: string, port?: number, allowHttp?: boolean }} options
 *   `issuer` may be set later with `app.setIssuer()` (the provider needs this app's redirect URI first).
 * @returns {Promise<{ origin: string, redirectUri: string, postLogoutRedirectUri: string, profileUrl: string, setIssuer(issuer: string): void, close(): Promise<void> }>}
 */
export async function startProfileApp(options) {
  const host = options.host ?? '127.0.0.1';
  let issuer = options.issuer;
  let config;
  const sessions = new Map(); // app session id → { sub, idToken }
  const logins = new Map(); // login cookie → { verifier, state, nonce, returnTo }

  async function configuration() {
    if (!issuer) throw new Error('profile app: no issuer configured yet');
    // http only for a loopback issuer (tests and the local demo).
    const execute = options.allowHttp !== false && new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
    config ??= await oidc.discovery(new URL(issuer), options.clientId, options.clientSecret, undefined, { execute });
    return config;
  }

  async function startLogin(res, returnTo) {
    const c = await configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const id = randomBytes(16).toString('base64url');
    logins.set(id, { verifier, state, nonce, returnTo });
    const url = oidc.buildAuthorizationUrl(c, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.writeHead(303, {
      location: url.href,
      'set-cookie': `${LOGIN_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600`,
      'cache-control': 'no-store',
    });
    res.end();
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', origin);
    const session = sessions.get(cookie(req, APP_COOKIE) ?? '');
    if (req.method === 'GET' && url.pathname === '/profile') {
      if (!session) return startLogin(res, '/profile');
      return page(
        res,
        200,
        'Your profile',
        `<p id="signed-in">Signed in as <strong id="sub">${escapeHtml(session.sub)}</strong></p><p>Authentication methods: <span id="amr">${escapeHtml((session.amr ?? []).join(' ') || 'unknown')}</span></p><p><a href="/logout">Sign out</a></p>`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/callback') {
      const loginId = cookie(req, LOGIN_COOKIE) ?? '';
      const login = logins.get(loginId);
      logins.delete(loginId);
      if (!login) return page(res, 400, 'Sign-in failed', '<p role="alert">No sign-in in progress in this browser.</p>');
      try {
        const tokens = await oidc.authorizationCodeGrant(await configuration(), url, {
          pkceCodeVerifier: login.verifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        const id = randomBytes(32).toString('base64url');
        sessions.set(id, { sub: claims.sub, amr: claims.amr, idToken: tokens.id_token });
        res.writeHead(303, {
          location: login.returnTo,
          'set-cookie': [`${APP_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`, `${LOGIN_COOKIE}=; Path=/; Max-Age=0`],
          'cache-control': 'no-store',
        });
        return res.end();
      } catch (error) {
        const reason =
          error instanceof oidc.AuthorizationResponseError
            ? `${error.error}: ${error.error_description ?? ''}`
            : 'the sign-in could not be completed';
        return page(res, 401, 'Sign-in failed', `<p role="alert">${escapeHtml(reason)}</p>`);
      }
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      const id = cookie(req, APP_COOKIE) ?? '';
      sessions.delete(id);
      const clear = `${APP_COOKIE}=; Path=/; Max-Age=0`;
      if (!session) {
        res.writeHead(303, { location: '/', 'set-cookie': clear });
        return res.end();
      }
      // RP-initiated logout: the provider ends its session and the Waymark session.
      const end = oidc.buildEndSessionUrl(await configuration(), {
        id_token_hint: session.idToken,
        post_logout_redirect_uri: postLogoutRedirectUri,
      });
      res.writeHead(303, { location: end.href, 'set-cookie': clear });
      return res.end();
    }
    if (req.method === 'GET' && url.pathname === '/') {
      return page(
        res,
        200,
        'Profile app',
        session
          ? '<p><a href="/profile">Your profile</a></p>'
          : '<p id="signed-out">You are signed out. <a href="/profile">Sign in</a></p>',
      );
    }
    page(res, 404, 'Not found', '');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent)
        page(res, 500, 'Error', `<p role="alert">${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`);
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const origin = `http://${host}:${server.address().port}`;
  const redirectUri = `${origin}/callback`;
  const postLogoutRedirectUri = `${origin}/`;
  return {
    origin,
    redirectUri,
    postLogoutRedirectUri,
    profileUrl: `${origin}/profile`,
    setIssuer(value) {
      issuer = value;
      config = undefined;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
