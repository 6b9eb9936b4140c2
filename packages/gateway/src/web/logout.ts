import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import { escapeHtml, layout } from '@waymark/http';
import type { RouteContext } from './context.js';
import { under } from './context.js';
import { ENDPOINTS } from './defaults.js';
import { WebRouteError } from './errors.js';
import { sendPage } from './answer.js';
import { readSession, setRouteCookie } from './session.js';

/*
 * Logout is a POST (a GET shows a form that posts), so another site cannot sign the user out
 * with an image or a link: a cross-site POST is refused by its `Origin` (RFC 6454 §7, sent by
 * browsers on every POST) or `Sec-Fetch-Site`, and carries no SameSite=Lax session cookie
 * anyway. It clears the gateway session, then sends the browser to the provider's
 * end_session_endpoint with `id_token_hint` and the registered `post_logout_redirect_uri`
 * (OpenID Connect RP-Initiated Logout 1.0 §2), which ends the provider's session too.
 */

/** `GET <path>/_waymark/logout`: a page whose button posts the logout (a link in an app can point here). */
export function logoutPage(_req: Request, res: Response, ctx: RouteContext): void {
  const action = escapeHtml(under(ctx.config.path, ENDPOINTS.logout));
  sendPage(
    res,
    200,
    layout(
      'Sign out',
      `<form method="post" action="${action}"><p>Sign out of ${escapeHtml(ctx.publicOrigin)}?</p><p class="actions"><button type="submit">Sign out</button></p></form>`,
    ),
  );
}

/** Whether the request comes from another site (and so must not end anything). */
function crossSite(req: Request, publicOrigin: string): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== publicOrigin) return true;
  const site = req.get('sec-fetch-site');
  return site !== undefined && site !== 'same-origin';
}

/** `POST <path>/_waymark/logout`: ends the gateway session and the provider's. */
export async function logoutEndpoint(req: Request, res: Response, ctx: RouteContext): Promise<void> {
  if (crossSite(req, ctx.publicOrigin))
    throw new WebRouteError('ERR_GATEWAY_WEB_CROSS_SITE', "sign-out must come from this site's own page: use its sign-out button", {
      origin: req.get('origin') ?? null,
    });
  const session = await readSession(req, ctx);
  setRouteCookie(res, ctx, ctx.cookies.session, null);
  if (session)
    ctx.auditor?.emit({
      type: 'session.ended',
      outcome: 'ended',
      sub: session.sub,
      client_id: ctx.config.clientId,
      reason: 'gateway web logout',
    });
  res.setHeader('Cache-Control', 'no-store');
  let endSession: URL | undefined;
  try {
    const config = await ctx.provider.configuration();
    if (config.serverMetadata().end_session_endpoint !== undefined)
      endSession = oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: ctx.postLogoutRedirectUri,
        ...(session ? { id_token_hint: session.idToken } : {}),
      });
  } catch (cause) {
    // The gateway session is gone whatever the provider's state: say so in the log, land locally.
    ctx.logger.warn('gateway web logout: the provider could not be reached; only the gateway session ended', { cause: String(cause) });
  }
  // 303: the browser follows a POST's redirect with a GET (RFC 9110 §15.4.4).
  res.redirect(303, endSession?.href ?? ctx.postLogoutRedirectUri);
}
