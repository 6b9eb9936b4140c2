import type { Request, Response } from 'express';
import type { JourneyResult, SuccessResult, SuspendedResult } from '@waymark/core';
import { callbackForm, contentSecurityPolicy, layout, messagePage, prefersJson, serializeCookie } from '@waymark/http';
import type { CookieEffect } from '@waymark/sdk';
import type { Client } from '../../clients/types.js';
import { journeyFailure, locals } from '../../lib/locals.js';
import { requestLogger } from '../../lib/request-logger.js';
import { seeOther } from '../../lib/respond.js';
import { isAllowedRedirectTarget } from '../../oauth/redirect-target.js';
import type { RouterContext } from '../../options.js';
import { csrfBinding, csrfToken } from './csrf.js';

/** What the adapter remembers about a browser journey in its `meta` (plain JSON, no secrets). */
export interface BrowserJourneyMeta {
  clientId: string;
  redirectUri?: string;
  state?: string;
}

/** The meta of a browser journey: where its errors go. */
export function browserJourneyMeta(clientId: string, redirectUri: string | undefined, state: string | undefined): BrowserJourneyMeta {
  const meta: BrowserJourneyMeta = { clientId };
  if (redirectUri !== undefined) meta.redirectUri = redirectUri;
  if (state !== undefined) meta.state = state;
  return meta;
}

/** Notes a journey's result in the request's locals: the access log line and the audit events say how it ended (and where it failed). */
export function noteJourney(state: ReturnType<typeof locals>, result: JourneyResult): void {
  state.journeyResult = result.status;
  state.flowId = result.flowId;
  state.flowVersion = result.flowVersion;
  state.journeyId = result.journeyId;
  if (result.status === 'failure') state.failure = journeyFailure(result);
}

/** Adds `Set-Cookie` for each effect; `clearsOnly` drops every set (failure, suspension). */
export function applyCookies(res: Response, cookies: readonly CookieEffect[], clearsOnly: boolean, extra: readonly string[] = []): void {
  const values = cookies.filter((c) => !clearsOnly || c.value === null).map((c) => serializeCookie(c));
  values.push(...extra);
  if (values.length > 0) res.append('Set-Cookie', values);
}

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}

/**
 * The origins a page's form may end up at: the form posts to this origin, and the answer may
 * be a 303 to one of the client's redirect targets or (for an error) its redirect_uri. CSP
 * `form-action` applies to redirects after a form submission, so they must be listed.
 */
function formOrigins(client: Client | undefined, meta: BrowserJourneyMeta | undefined): string[] {
  const origins = new Set<string>();
  const add = (uri: string | undefined) => {
    if (uri === undefined || !URL.canParse(uri)) return;
    const url = new URL(uri);
    if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
  };
  for (const target of client?.redirectTargets ?? []) add(target);
  add(meta?.redirectUri);
  return [...origins];
}

/** The AIC-style JSON of a suspended step. */
export function suspendedJson(result: SuspendedResult): Record<string, unknown> {
  const body: Record<string, unknown> = { authId: result.journeyId, journeyId: result.journeyId, callbacks: result.callbacks };
  if (result.header !== undefined) body.header = result.header;
  if (result.stage !== undefined) body.stage = result.stage;
  return body;
}

/** The OAuth error redirect (RFC 6749 §4.1.2.1) with `iss` (RFC 9207 §2). */
export function errorRedirect(
  ctx: RouterContext,
  redirectUri: string,
  error: string,
  description: string,
  state: string | undefined,
): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', ctx.issuer);
  return url.href;
}

/**
 * Answers a journey result in the browser (or as JSON for `Accept: application/json`):
 * - suspended: the step's form (one form, labelled fields, CSRF token), or the AIC JSON;
 * - success: every cookie the journey set or cleared, then 303 to its redirect (checked again
 *   against the client's redirect_targets), or a "signed in" page;
 * - failure: the cookie clears only (never a set cookie, never a session), then the OAuth error
 *   redirect to the registered redirect_uri, or an error page.
 */
export function answerJourney(
  ctx: RouterContext,
  req: Request,
  res: Response,
  result: JourneyResult,
  client: Client | undefined,
  meta: BrowserJourneyMeta | undefined,
): void | Promise<void> {
  const state = locals(res);
  noteJourney(state, result);
  const base = ctx.basePath;
  if (result.status === 'suspended') {
    applyCookies(res, result.cookies, true);
    if (prefersJson(req)) {
      res.status(200).json(suspendedJson(result));
      return;
    }
    const { binding, setCookie } = csrfBinding(req);
    if (setCookie) res.append('Set-Cookie', setCookie);
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(formOrigins(client, meta)));
    const form = callbackForm({
      action: `${base}authorize/continue`,
      callbacks: result.callbacks,
      hidden: { journeyId: result.journeyId, csrf: csrfToken(ctx.csrfKey, result.journeyId, binding) },
    });
    sendHtml(res, 200, layout(result.header ?? 'Sign in', form, base));
    return;
  }

  if (result.status === 'success') {
    const redirect = result.redirect;
    if (redirect !== undefined && !(client && isAllowedRedirectTarget(client, redirect))) return refuseRedirect(ctx, req, res, result, client, meta);
    applyCookies(res, result.cookies, false);
    if (prefersJson(req)) {
      res.status(200).json({ status: 'success', ...(redirect !== undefined ? { redirect } : {}) });
      return;
    }
    if (redirect !== undefined) {
      seeOther(res, redirect);
      return;
    }
    sendHtml(
      res,
      200,
      messagePage('Signed in', 'You are signed in. You can close this page and return to the application.', 'status', base),
    );
    return;
  }

  applyCookies(res, result.cookies, true);
  return answerFailure(ctx, req, res, meta, result.code, 'the sign-in did not complete');
}

/**
 * Defence in depth: the redirect node let through a target the client does not list (a flow
 * that widened its `targets`). The journey counts as failed: its session is deleted, the refusal
 * logged, and only the journey's cookie clears are applied. The caller then answers the failure
 * its own way (page or redirect, or JSON).
 */
export async function dropRefusedRedirect(
  ctx: RouterContext,
  res: Response,
  result: SuccessResult,
  client: Client | undefined,
  userAgent?: string,
): Promise<void> {
  const state = locals(res);
  state.journeyResult = 'failure';
  const last = result.trace[result.trace.length - 1];
  state.failure = { code: 'ERR_REDIRECT_NOT_ALLOWED', reason: 'redirect_not_allowed', ...(last ? { node: last.node } : {}) };
  if (result.sessionId !== undefined) {
    await ctx.stores.sessions.delete(result.sessionId);
    ctx.audit?.emit({
      type: 'session.ended',
      outcome: 'ended',
      requestId: state.requestId,
      sub: result.sub,
      client_id: client?.clientId,
      flow: `${result.flowId}@${result.flowVersion}`,
      code: 'ERR_REDIRECT_NOT_ALLOWED',
      reason: 'the journey ended with a redirect this client does not allow; its session was deleted',
      ip: state.clientIp,
      userAgent,
      journeyId: result.journeyId,
    });
  }
  requestLogger(ctx.logger, state.requestId).warn('journey redirect refused', {
    journeyId: result.journeyId,
    flow: result.flowId,
    client: client?.clientId ?? 'unknown',
  });
  applyCookies(res, result.cookies, true);
}

async function refuseRedirect(
  ctx: RouterContext,
  req: Request,
  res: Response,
  result: SuccessResult,
  client: Client | undefined,
  meta: BrowserJourneyMeta | undefined,
): Promise<void> {
  await dropRefusedRedirect(ctx, res, result, client, req.headers['user-agent']);
  answerFailure(ctx, req, res, meta, 'ERR_REDIRECT_NOT_ALLOWED', 'the journey ended with a redirect this client does not allow');
}

function answerFailure(
  ctx: RouterContext,
  req: Request,
  res: Response,
  meta: BrowserJourneyMeta | undefined,
  code: string,
  reason: string,
): void {
  locals(res).oauthError = 'access_denied';
  if (prefersJson(req)) {
    res.status(401).json({ status: 'failure', code, reason });
    return;
  }
  if (meta?.redirectUri !== undefined) {
    seeOther(res, errorRedirect(ctx, meta.redirectUri, 'access_denied', reason, meta.state));
    return;
  }
  sendHtml(
    res,
    403,
    messagePage('Sign-in failed', 'We could not sign you in. Return to the application and try again.', 'alert', ctx.basePath),
  );
}
