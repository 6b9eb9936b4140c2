import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Auditor } from '@waymark/core';
import type { Clock, Logger } from '@waymark/sdk';
import { sendError } from './answer.js';
import { under, type RouteContext } from './context.js';
import { ENDPOINTS, MIN_SESSION_KEY_LENGTH, RESERVED_PREFIX } from './defaults.js';
import { WebRouteError } from './errors.js';
import { httpProxyTo, stripGatewayHeaders, type UpstreamProxy } from './forward.js';
import { createIdentitySigner, publicJwk, type IdentitySigner, type SigningJwk } from './identity.js';
import { callbackEndpoint, loginEndpoint, startLogin } from './login.js';
import { logoutEndpoint, logoutPage } from './logout.js';
import { createProviderClient } from './provider.js';
import { compilePublicPaths } from './public-paths.js';
import { createSealer } from './sealed.js';
import { safeReturnTo } from './return-to.js';
import { readSession, setRouteCookie, cookieOf } from './session.js';
import { validateWebRouteConfig } from './validate.js';

/** What a `web` route needs besides its config: secrets, time, logs, audit, and (optionally) the proxy. */
export interface WebRouteDeps {
  keys: {
    /** Session-cookie keys, each at least 32 characters of a random secret; the first seals, all open (rotation). */
    session: readonly string[];
    /** The private JWK that signs the identity header (`kid` and `alg` required, e.g. ES256). */
    signing: SigningJwk;
    /** The client secret at the provider (client_secret_basic); absent for a public client (PKCE alone). */
    clientSecret?: string;
  };
  /** Injected time (default: the system clock). */
  clock?: Clock;
  /** Log lines (default: none). */
  logger?: Logger;
  /** Audit: `session.created` at login (`refused` with a code on a failed callback), `session.ended` at logout. */
  auditor?: Pick<Auditor, 'emit'>;
  /** How requests reach the upstream (default: http-proxy-3 to `config.upstream`). */
  proxy?: UpstreamProxy;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const systemClock: Clock = { now: () => Date.now() };

function depsError(option: string, message: string): WebRouteError {
  return new WebRouteError('ERR_GATEWAY_WEB_DEPS', `createWebRoute: "${option}": ${message}`, { option });
}

function checkDeps(deps: WebRouteDeps): void {
  const session = deps?.keys?.session;
  if (!Array.isArray(session) || session.length === 0)
    throw depsError('keys.session', 'give at least one session key (a random secret of 32 characters or more)');
  session.forEach((key, i) => {
    if (typeof key !== 'string' || key.length < MIN_SESSION_KEY_LENGTH)
      throw depsError(
        `keys.session[${i}]`,
        `a session key must be a string of at least ${MIN_SESSION_KEY_LENGTH} characters (e.g. 32 random bytes, base64url)`,
      );
  });
  const signing = deps.keys.signing;
  if (
    signing === null ||
    typeof signing !== 'object' ||
    typeof signing.kid !== 'string' ||
    typeof signing.alg !== 'string' ||
    typeof signing.d !== 'string'
  )
    throw depsError('keys.signing', 'give a private JWK with "kid" and "alg" (e.g. an ES256 key from jose\'s generateKeyPair + exportJWK)');
  if (deps.keys.clientSecret !== undefined && (typeof deps.keys.clientSecret !== 'string' || deps.keys.clientSecret === ''))
    throw depsError('keys.clientSecret', 'a client secret is a non-empty string; leave it out for a public client');
}

/** The default cookie name: `__Host-` over https (RFC 6265bis §4.1.3.2), one per route path. */
function defaultCookieName(path: string, secure: boolean): string {
  const suffix =
    path === '/'
      ? ''
      : `-${createHash('sha256')
          .update(path)
          .digest('base64url')
          .slice(0, 8)
          .replace(/[^A-Za-z0-9]/g, 'x')}`;
  return `${secure ? '__Host-' : ''}waymark-gateway${suffix}`;
}

/**
 * Whether a signed-out request may start a login: a GET or HEAD for a document. A browser's
 * sub-resource request (an image, a script, the favicon, a `fetch()`: `Sec-Fetch-Dest` other
 * than `document`, Fetch Metadata §2.1) gets 401 instead, so it cannot replace the login cookie
 * of the page load that runs beside it. A client that sends no `Sec-Fetch-Dest` is treated as
 * loading a document.
 */
function isNavigation(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const dest = req.get('sec-fetch-dest');
  return dest === undefined || dest === 'document';
}

type Step = (req: Request, res: Response, ctx: RouteContext) => Promise<void> | void;

/**
 * A `web` route: OpenID Connect login against the provider in front of a web app (PingGateway's
 * CDSSO route). Mount the router at the root (`app.use(router)`); it answers under
 * `config.path` only:
 *
 * - `<path>/_waymark/callback`, `/login`, `/logout` (POST; GET shows a form), `/jwks.json`;
 * - a public path (`config.publicPaths`) is forwarded without a session and without identity;
 * - any other path needs a session: with one, it is forwarded with the identity header (a JWT
 *   signed by `keys.signing`, audience the upstream, `identity.ttlSeconds` long); without one, a
 *   GET or HEAD is redirected to the provider and comes back to the same URL, anything else is 401.
 *
 * The config is validated (and its defaults filled in) here: a bad one throws `ERR_CONFIG_INVALID`.
 *
 * @example
 * app.use(createWebRoute(
 *   { upstream: 'http://127.0.0.1:8080', publicUrl: 'https://app.example', issuer: 'https://id.example/oidc', clientId: 'app-gw', publicPaths: ['/static/'] },
 *   { keys: { session: [process.env.SESSION_KEY!], signing: jwk, clientSecret: process.env.CLIENT_SECRET } },
 * ));
 */
export function createWebRoute(rawConfig: unknown, deps: WebRouteDeps): Router {
  const config = validateWebRouteConfig(structuredClone(rawConfig));
  checkDeps(deps);
  const publicOrigin = new URL(config.publicUrl).origin;
  const secure = publicOrigin.startsWith('https:');
  const sessionCookie = config.session.cookieName ?? defaultCookieName(config.path, secure);
  const landing = config.path;
  const identityIssuer = `${publicOrigin}${config.path === '/' ? '' : config.path}`;
  let signer: Promise<IdentitySigner> | undefined;
  const ctx: RouteContext = {
    config,
    publicOrigin,
    redirectUri: `${publicOrigin}${under(config.path, ENDPOINTS.callback)}`,
    postLogoutRedirectUri: config.postLogoutRedirectUri ?? `${publicOrigin}${config.path}`,
    landing,
    secure,
    cookies: { session: sessionCookie, login: `${sessionCookie}-login` },
    sessions: createSealer(deps.keys.session, 'session'),
    logins: createSealer(deps.keys.session, 'login'),
    provider: createProviderClient(config.issuer, config.clientId, deps.keys.clientSecret),
    signer: () =>
      (signer ??= createIdentitySigner(deps.keys.signing, {
        issuer: identityIssuer,
        audience: config.identity.audience ?? new URL(config.upstream).origin,
        ttlSeconds: config.identity.ttlSeconds,
      })),
    clock: deps.clock ?? systemClock,
    logger: deps.logger ?? silent,
    auditor: deps.auditor,
  };
  const proxy = deps.proxy ?? httpProxyTo(config.upstream);
  const isPublic = compilePublicPaths(config.publicPaths);
  const jwks = { keys: [publicJwk(deps.keys.signing)] };

  /* Each endpoint is one step; a thrown WebRouteError becomes its coded answer. */
  const run = (step: Step) => (req: Request, res: Response) => {
    Promise.resolve()
      .then(() => step(req, res, ctx))
      .catch((error: unknown) => sendError(req, res, ctx, error));
  };

  const forward = (req: Request, res: Response) => {
    req.url = req.originalUrl; // the upstream sees the full path, route prefix included
    proxy(req, res, (error) =>
      sendError(
        req,
        res,
        ctx,
        new WebRouteError('ERR_GATEWAY_WEB_UPSTREAM_UNAVAILABLE', 'the application behind the gateway is not answering: try again later', {
          cause: error.message,
        }),
      ),
    );
  };

  /** Every forwarded request: public path, session, or login; forgeries stripped before anything is forwarded. */
  const guard: Step = async (req, res) => {
    const rawPath = req.originalUrl.split('?')[0] ?? '/';
    const publicPath = isPublic(rawPath);
    const hadCookie = cookieOf(req, ctx.cookies.session) !== undefined;
    const session = publicPath ? undefined : await readSession(req, ctx);
    stripGatewayHeaders(req, config.identity.header, [ctx.cookies.session, ctx.cookies.login]);
    if (publicPath) return forward(req, res);
    if (!session) {
      if (hadCookie) setRouteCookie(res, ctx, ctx.cookies.session, null); // tampered or expired: gone
      if (!isNavigation(req))
        throw new WebRouteError('ERR_GATEWAY_WEB_LOGIN_REQUIRED', 'this request needs a signed-in session: sign in, then try again');
      // The request's own URL, through the same rule as any return-to ("GET //evil.example" is a valid request line).
      return startLogin(res, ctx, safeReturnTo(req.originalUrl, ctx.publicOrigin, config.path, ctx.landing));
    }
    const token = await (await ctx.signer()).sign({ ...session.claims, sub: session.sub, sid: session.sid }, ctx.clock.now());
    req.headers[config.identity.header.toLowerCase()] = token;
    forward(req, res);
  };

  const inner = express.Router();
  inner.get(ENDPOINTS.jwks, (_req, res) => void res.setHeader('Cache-Control', 'public, max-age=300').json(jwks));
  inner.get(ENDPOINTS.callback, run(callbackEndpoint));
  inner.get(ENDPOINTS.login, run(loginEndpoint));
  inner.get(ENDPOINTS.logout, run(logoutPage));
  inner.post(ENDPOINTS.logout, run(logoutEndpoint));
  inner.use(RESERVED_PREFIX, (_req, res) => void res.status(404).type('text').send('Not found'));
  inner.use(run(guard));
  const router = express.Router();
  router.use(config.path, inner);
  return router;
}
