import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import { callbackForm, escapeHtml, layout, messagePage } from '@waymark/http';
import type { Callback } from '@waymark/sdk';

/*
 * The interaction pages are the adapter's (`@waymark/http`): its layout, stylesheet
 * (`/assets/waymark.css`, served by the Waymark router mounted at the root of the same app) and
 * callback form, whose inputs are named after the callback fields (`IDToken1`…) and are mapped
 * back with `formToCallbacks`. Only the CSRF binding differs: it is bound to oidc-provider's
 * interaction.
 */

/** Pages live under `<mount>/interaction/…`; the stylesheet is at the origin's root. */
export const BASE = '/';

export const esc = escapeHtml;

/** A page with one message, in the adapter's layout. */
export function page(title: string, main: string): string {
  return layout(title, main, BASE);
}

export function alertPage(title: string, message: string): string {
  return messagePage(title, message, 'alert', BASE);
}

export function statusPage(title: string, message: string): string {
  return messagePage(title, message, 'status', BASE);
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(html);
}

/** The form of a suspended journey. `csrf` binds it to the interaction and the journey. */
export function journeyForm(options: { title: string; action: string; journeyId: string; csrf: string; callbacks: Callback[] }): string {
  return page(
    options.title,
    callbackForm({ action: options.action, callbacks: options.callbacks, hidden: { journeyId: options.journeyId, csrf: options.csrf } }),
  );
}

/**
 * CSRF tokens of the interaction forms: an HMAC of the interaction uid and the journey id, so a
 * page of another origin cannot forge one, and a form of one sign-in cannot answer another.
 * The key comes from the cookie keys, so every process of a deployment accepts every form.
 */
export function csrfTokens(key: Buffer): {
  issue(uid: string, journeyId: string): string;
  verify(uid: string, journeyId: string, given: string | undefined): boolean;
} {
  const issue = (uid: string, journeyId: string) => createHmac('sha256', key).update(`${uid}.${journeyId}`).digest('base64url');
  return {
    issue,
    verify(uid, journeyId, given) {
      const expected = Buffer.from(issue(uid, journeyId));
      const actual = Buffer.from(given ?? '');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
