import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import type { RouteContext } from './context.js';
import { WebRouteError } from './errors.js';
import { callbackError } from './provider.js';
import { safeReturnTo } from './return-to.js';
import { cookieOf, setRouteCookie, startSession } from './session.js';

/*
 * The login: authorization code flow with PKCE (OpenID Connect Core §3.1, RFC 7636), `state`
 * and `nonce` checked. Between the redirect and the callback, the verifier, state, nonce and
 * return-to path wait in a sealed, short-lived login cookie; the callback consumes it, so a
 * replayed callback finds no login in progress.
 */

/** Redirects the browser to the provider's authorization endpoint, remembering where to come back to. */
export async function startLogin(res: Response, ctx: RouteContext, returnTo: string): Promise<void> {
  const config = await ctx.provider.configuration();
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const timeout = ctx.config.session.loginTimeoutSeconds;
  const sealed = await ctx.logins.seal({ st: state, n: nonce, v: verifier, r: returnTo }, Math.floor(ctx.clock.now() / 1000) + timeout);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: ctx.redirectUri,
    scope: ctx.config.scope,
    // RFC 7636 §4.2: S256 only; RFC 9700 §2.1.1 recommends PKCE for every client.
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  setRouteCookie(res, ctx, ctx.cookies.login, sealed, timeout);
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, url.href);
}

/** `GET <path>/_waymark/login?return_to=/path`: a login the app links to; the return-to is checked (same origin, under the route). */
export async function loginEndpoint(req: Request, res: Response, ctx: RouteContext): Promise<void> {
  await startLogin(res, ctx, safeReturnTo(req.query['return_to'], ctx.publicOrigin, ctx.config.path, ctx.landing));
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `GET <path>/_waymark/callback`: checks the answer, redeems the code, starts a new session, returns to the page. */
export async function callbackEndpoint(req: Request, res: Response, ctx: RouteContext): Promise<void> {
  // The login cookie is used once: cleared whatever happens next.
  setRouteCookie(res, ctx, ctx.cookies.login, null);
  const login = await ctx.logins.open(cookieOf(req, ctx.cookies.login), ctx.clock.now());
  const state = typeof login?.['st'] === 'string' ? login['st'] : undefined;
  if (!login || state === undefined || typeof login['n'] !== 'string' || typeof login['v'] !== 'string' || typeof login['r'] !== 'string')
    throw new WebRouteError(
      'ERR_GATEWAY_WEB_LOGIN_NOT_STARTED',
      'no sign-in is in progress in this browser (it expired, or this answer was used already): start again',
    );
  const query = new URL(req.originalUrl, ctx.publicOrigin).searchParams;
  // RFC 6749 §10.12: the answer must carry the state this browser sent, before anything else is trusted.
  if (!sameString(query.get('state') ?? '', state))
    throw new WebRouteError('ERR_GATEWAY_WEB_STATE_MISMATCH', "the sign-in answer does not belong to this browser's sign-in: start again");
  const current = new URL(ctx.redirectUri);
  current.search = query.toString();
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    const config = await ctx.provider.configuration();
    tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: login['v'],
      expectedState: state,
      // OpenID Connect Core §3.1.3.7 step 11: the ID token's nonce is the one this login sent.
      expectedNonce: login['n'],
      idTokenExpected: true,
    });
  } catch (cause) {
    throw callbackError(cause);
  }
  const claims = tokens.claims();
  if (!claims || typeof tokens.id_token !== 'string')
    throw new WebRouteError('ERR_GATEWAY_WEB_CALLBACK_FAILED', 'the provider sent no ID token: start again', { reason: 'no_id_token' });
  const forwarded: Record<string, unknown> = {};
  for (const name of ctx.config.identity.claims) if (claims[name] !== undefined) forwarded[name] = claims[name];
  const session = await startSession(res, ctx, { sub: claims.sub, idToken: tokens.id_token, claims: forwarded });
  ctx.auditor?.emit({
    type: 'session.created',
    outcome: 'created',
    sub: session.sub,
    client_id: ctx.config.clientId,
    reason: 'gateway web login',
  });
  res.setHeader('Cache-Control', 'no-store');
  // The return-to was checked when it was sealed; checked again so a leaked key cannot make an open redirect.
  res.redirect(302, safeReturnTo(login['r'], ctx.publicOrigin, ctx.config.path, ctx.landing));
}
