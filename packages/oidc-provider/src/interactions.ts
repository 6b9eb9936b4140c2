import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Auditor, JourneyResult } from '@waymark/core';
import {
  clientIpOf,
  contentSecurityPolicy,
  errorPage,
  formToCallbacks,
  journeyErrorBody,
  prefersJson,
  requestIdFor,
  type TrustedProxies,
} from '@waymark/http';
import { WaymarkError, type Callback, type ClientInfo, type Logger, type Stores } from '@waymark/sdk';
import type { Interaction, InteractionResults, Provider } from 'oidc-provider';
import { OIDC_PROVIDER_ERRORS } from './errors.js';
import { chooseFlow } from './flow-policy.js';
import { interactionErrorAnswer } from './interaction-errors.js';
import { applyCookies, requestInfo } from './lib/http.js';
import type { csrfTokens } from './lib/pages.js';
import { BASE, journeyForm, sendHtml } from './lib/pages.js';
import { loginResult } from './login-result.js';
import type { OidcEngine, WaymarkClientPolicy } from './options.js';

/** A client's policy as resolved at start-up. */
export interface ResolvedPolicy extends Required<Pick<WaymarkClientPolicy, 'flows' | 'firstParty'>> {
  clientId: string;
  redirectUris: readonly string[];
  /** Content-Security-Policy of its pages: form posts may end in a redirect to its redirect URIs. */
  csp: string;
  corsOrigins: readonly string[];
}

export interface InteractionDeps {
  provider: Provider;
  engine: OidcEngine;
  stores: Stores;
  /** The Waymark policy of a client: its flows, first-party flag, pages' CSP (static clients, or the client store's now). */
  policies: (clientId: string) => Promise<ResolvedPolicy | undefined>;
  csrf: ReturnType<typeof csrfTokens>;
  trustedProxies: TrustedProxies;
  bodyLimit: string | number;
  logger: Logger;
  /** `authorize.ended` for each login interaction that ends. */
  audit?: Auditor;
  now: () => number;
}

/** JSON for native callers: a JSON body, or an Accept header that prefers JSON. */
function wantsJson(req: Request): boolean {
  return req.is('application/json') === 'application/json' || prefersJson(req);
}

function stringParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') out[k] = v;
  return out;
}

function pageHeaders(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.removeHeader('X-Powered-By');
}

/**
 * The interaction endpoints oidc-provider sends the browser to (`interactions.url`):
 *
 * - `GET  <mount>/interaction/:uid` — a login prompt starts the client's flow (its policy, or
 *   `acr_values`) with the interaction uid in the journey's `meta`; a consent prompt of a
 *   first-party client is granted here.
 * - `POST <mount>/interaction/:uid` — answers the suspended journey (HTML form with CSRF token, or
 *   JSON `{ journeyId, callbacks }` in the AIC shape).
 *
 * Success finishes the interaction with the journey's subject, acr, amr and auth time; failure
 * finishes it with `access_denied` and the journey's reason, which the client receives at its
 * redirect URI.
 */
export function interactionRoutes(deps: InteractionDeps): Router {
  const { provider, engine, stores, policies, csrf } = deps;
  const router = Router();

  async function details(req: Request, res: Response): Promise<{ interaction: Interaction; policy: ResolvedPolicy }> {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== req.params.uid)
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN, 'interaction mismatch', {});
    const policy = await policies(String(interaction.params.client_id));
    // Every client of the provider comes from the same configuration, so this cannot happen short of a bug.
    if (!policy) throw new WaymarkError('ERR_OIDC_CLIENT_CONFIG', 'client without a Waymark policy', {});
    pageHeaders(res, policy.csp);
    return { interaction, policy };
  }

  async function finish(req: Request, res: Response, result: InteractionResults, merge: boolean): Promise<void> {
    if (wantsJson(req)) {
      const redirect = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge });
      if (result.error) res.status(401).json({ status: 'failure', code: result.error, reason: result.error_description, redirect });
      else res.status(200).json({ status: 'success', redirect });
      return;
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge });
  }

  /** One `authorize.ended` audit event for a login interaction that ended. */
  function auditLogin(
    req: Request,
    result: Exclude<JourneyResult, { status: 'suspended' }>,
    outcome: 'success' | 'failure',
    code?: string,
    reason?: string,
  ): void {
    const meta = result.meta as { clientId?: unknown } | undefined;
    deps.audit?.emit({
      type: 'authorize.ended',
      outcome,
      requestId: requestIdFor(req),
      sub: result.status === 'success' ? result.sub : undefined,
      client_id: typeof meta?.clientId === 'string' ? meta.clientId : undefined,
      flow: `${result.flowId}@${result.flowVersion}`,
      node: result.status === 'failure' ? result.node : undefined,
      code,
      reason,
      ip: clientIpOf(req, deps.trustedProxies),
      userAgent: req.headers['user-agent'],
      journeyId: result.journeyId,
    });
  }

  async function respond(req: Request, res: Response, interaction: Interaction, result: JourneyResult): Promise<void> {
    applyCookies(res, result.cookies);
    if (result.status === 'suspended') {
      if (wantsJson(req)) {
        res.setHeader('Cache-Control', 'no-store');
        res.json({
          journeyId: result.journeyId,
          callbacks: result.callbacks,
          ...(result.header ? { header: result.header } : {}),
          ...(result.stage ? { stage: result.stage } : {}),
        });
        return;
      }
      const action = req.originalUrl.split('?')[0] as string;
      sendHtml(
        res,
        200,
        journeyForm({
          title: result.header ?? 'Sign in',
          action,
          journeyId: result.journeyId,
          csrf: csrf.issue(interaction.uid, result.journeyId),
          callbacks: result.callbacks,
        }),
      );
      return;
    }
    if (result.status === 'success') {
      const login = await loginResult(result, stores, deps.now());
      if (login) {
        auditLogin(req, result, 'success');
        return finish(req, res, { login }, false);
      }
      deps.logger.warn('login journey succeeded without a subject', {
        requestId: requestIdFor(req),
        flowId: result.flowId,
        journeyId: result.journeyId,
      });
      auditLogin(req, result, 'failure', 'no_subject', 'the sign-in journey identified nobody');
      return finish(req, res, { error: 'access_denied', error_description: 'the sign-in journey identified nobody' }, false);
    }
    // A failed journey's line says where and why it failed.
    deps.logger.info('login journey failed', {
      requestId: requestIdFor(req),
      flowId: result.flowId,
      journeyId: result.journeyId,
      node: result.node,
      code: result.code,
      reason: result.nodeReason ?? result.reason,
    });
    auditLogin(req, result, 'failure', result.code, result.nodeReason ?? result.reason);
    return finish(req, res, { error: 'access_denied', error_description: result.reason }, false);
  }

  /** First-party clients: grant what the consent prompt found missing (loadExistingGrant normally did already). */
  async function grantConsent(req: Request, res: Response, interaction: Interaction, policy: ResolvedPolicy): Promise<void> {
    if (!policy.firstParty || !interaction.session)
      return finish(
        req,
        res,
        { error: 'consent_required', error_description: 'this client is not first-party and this server shows no consent page' },
        false,
      );
    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ clientId: policy.clientId, accountId: interaction.session.accountId });
    const missing = interaction.prompt.details;
    if (Array.isArray(missing.missingOIDCScope)) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
    const grantId = await grant.save();
    return finish(req, res, { consent: { grantId } }, true);
  }

  const start: RequestHandler = async function startInteraction(req, res) {
    const { interaction, policy } = await details(req, res);
    if (interaction.prompt.name === 'consent') return grantConsent(req, res, interaction, policy);
    const flowId = chooseFlow(policy, interaction.params.acr_values);
    const client: ClientInfo = { clientId: policy.clientId, redirectTargets: [], redirectUris: policy.redirectUris };
    const result = await engine.start(flowId, {
      request: requestInfo(req, deps.trustedProxies),
      client,
      params: stringParams(interaction.params),
      meta: { interaction: interaction.uid, clientId: policy.clientId },
    });
    await respond(req, res, interaction, result);
  };

  const submit: RequestHandler = async function continueInteraction(req, res) {
    const { interaction } = await details(req, res);
    const json = req.is('application/json') === 'application/json';
    const body = (req.body ?? {}) as Record<string, unknown>;
    const journeyId = typeof body.journeyId === 'string' ? body.journeyId : '';
    // A form must carry the token of this interaction and journey; JSON cannot be posted
    // cross-site without a CORS preflight this router never answers.
    if (!json && !csrf.verify(interaction.uid, journeyId, typeof body.csrf === 'string' ? body.csrf : undefined))
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN, 'stale or foreign form', {});
    // Only the journey this interaction started may be continued through it.
    const pending = journeyId === '' ? undefined : await engine.pending(journeyId);
    if (!pending) throw new WaymarkError('ERR_JOURNEY_NOT_FOUND', 'no such journey', {});
    if (pending.meta?.interaction !== interaction.uid)
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN, 'journey of another interaction', {});
    const form: Record<string, string> = {};
    if (!json) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
    const callbacks = json ? (body.callbacks as Callback[]) : formToCallbacks(pending.callbacks, form);
    const result = await engine.resume(journeyId, { callbacks, request: requestInfo(req, deps.trustedProxies) });
    await respond(req, res, interaction, result);
  };

  const bodies = [express.urlencoded({ extended: false, limit: deps.bodyLimit }), express.json({ limit: deps.bodyLimit })];
  router.get('/:uid', start);
  router.post('/:uid', ...bodies, submit);
  router.use(function interactionErrors(err: unknown, req: Request, res: Response, next: NextFunction) {
    if (res.headersSent) return next(err);
    const answer = interactionErrorAnswer(err);
    const requestId = requestIdFor(req);
    if (answer.pageStatus === 500)
      deps.logger.error('interaction failed', { requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    // A client's mistake (an unreadable body, a bad uid, a stale form): worth a warning, never an error.
    else deps.logger.warn('interaction refused', { requestId, status: answer.pageStatus, error: answer.error, code: answer.code });
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    if (wantsJson(req)) {
      res.status(answer.pageStatus).json(journeyErrorBody(answer));
      return;
    }
    sendHtml(res, answer.pageStatus, errorPage(answer, { base: BASE, title: 'Sign-in could not continue', sentence: answer.description }));
  });
  return router;
}

/** The CSP of a client's pages: same-origin posts that may redirect to its registered URIs. */
export function pageCsp(uris: readonly string[]): string {
  const origins = [...new Set(uris.filter((u) => URL.canParse(u)).map((u) => new URL(u).origin))].filter((o) => o !== 'null');
  return contentSecurityPolicy(origins);
}
