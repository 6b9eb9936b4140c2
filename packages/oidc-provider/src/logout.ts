import type { Auditor } from '@waymark/core';
import { clientIpOf, requestIdFor, type TrustedProxies } from '@waymark/http';
import type { Stores } from '@waymark/sdk';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { clearedCookie, parseCookies } from './lib/http.js';
import { esc, page, statusPage } from './lib/pages.js';
import { pageCsp } from './interactions.js';

/*
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) through oidc-provider's
 * end_session endpoint: `GET <mount>/session/end` shows a confirmation page (logoutSource), the
 * user's "Sign out" posts `logout=yes` to `<mount>/session/end/confirm`, which ends the provider's
 * session. The middleware below ends the Waymark session in the same response: it deletes the
 * session the browser's cookie names from `stores.sessions` and clears the cookie. oidc-provider
 * has no awaited hook after the confirmation, so this runs as provider middleware after the
 * route, when the route answered with its success redirect.
 */

/** `features.rpInitiatedLogout.logoutSource`: the confirmation page around oidc-provider's form. */
export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const client = ctx.oidc.client;
  ctx.set('Content-Security-Policy', pageCsp(client?.postLogoutRedirectUris ?? []));
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<p>Sign out of ${esc(ctx.host)}${client ? ` (signed out from ${esc(client.clientName ?? client.clientId)})` : ''}? This ends your session for every application.</p>
${form}
<p class="actions"><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button></p>`,
  );
}

/** `features.rpInitiatedLogout.postLogoutSuccessSource`: shown when the client gave no post-logout URI. */
export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = statusPage('Signed out', 'You are signed out.');
}

/** Middleware of the provider's koa app, on its context (`ctx.oidc` is set on the provider's routes). */
export type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

/**
 * Provider middleware that ends the Waymark session when the user confirmed a full sign-out,
 * and records it (`session.ended`, with the session's subject, never its id) when given an auditor.
 */
export function endWaymarkSession(
  stores: Stores,
  cookieName: string,
  audit?: { auditor: Auditor; trustedProxies: TrustedProxies },
): ProviderMiddleware {
  return async function endWaymarkSession(ctx, next) {
    await next();
    // `logout` is set only by the "Sign out" button; "Stay signed in" ends the client's part only.
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !ctx.oidc.params?.logout) return;
    const id = parseCookies(ctx.get('cookie'))[cookieName];
    if (id !== undefined && id !== '') {
      const session = audit ? await stores.sessions.get(id) : undefined;
      await stores.sessions.delete(id);
      if (audit && session)
        audit.auditor.emit({
          type: 'session.ended',
          outcome: 'ended',
          requestId: requestIdFor(ctx.req),
          sub: session.sub,
          client_id: ctx.oidc.client?.clientId,
          reason: 'logout',
          ip: clientIpOf(ctx.req, audit.trustedProxies),
          userAgent: ctx.get('user-agent') || undefined,
        });
    }
    ctx.append('Set-Cookie', clearedCookie(cookieName));
  };
}
