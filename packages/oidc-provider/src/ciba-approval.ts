import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { JourneyResult } from '@waymark/core';
import {
  contentSecurityPolicy,
  errorPage,
  formToCallbacks,
  journeyErrorBody,
  prefersJson,
  requestIdFor,
  type TrustedProxies,
} from '@waymark/http';
import { WaymarkError, type Callback, type ClientInfo, type Logger, type Stores } from '@waymark/sdk';
import type { Provider } from 'oidc-provider';
import { approvalKey, type StoredApproval } from './ciba.js';
import { OIDC_PROVIDER_ERRORS } from './errors.js';
import { chooseFlow } from './flow-policy.js';
import { interactionErrorAnswer } from './interaction-errors.js';
import { applyCookies, requestInfo } from './lib/http.js';
import type { csrfTokens } from './lib/pages.js';
import { BASE, journeyForm, sendHtml, statusPage, alertPage } from './lib/pages.js';
import { loginResult, type LoginResult } from './login-result.js';
import type { ResolvedPolicy } from './interactions.js';
import type { OidcEngine, ResourceServerConfig } from './options.js';

/**
 * Finishing CIBA approvals from code: what the approval pages call when their journey ends, and
 * what another channel (an authenticator app, the gateway's step-up) calls once it has
 * authenticated the person itself.
 *
 * @example
 * // a push stand-in: the person approved on their phone, which authenticated them as `sub`
 * await op.ciba.approve(approvalId, { accountId: sub, acr: 'urn:example:push', ts: Math.floor(Date.now() / 1000), remember: false });
 */
export interface CibaApprovals {
  /** The approval (its request's subject and client), or undefined when it is unknown, finished or expired. */
  find(approvalId: string): Promise<StoredApproval | undefined>;
  /** Approves: `login.accountId` must be the subject the request named, else the request is denied and this throws `ERR_CIBA_APPROVAL_SUBJECT`. */
  approve(approvalId: string, login: LoginResult): Promise<void>;
  /** Denies with `access_denied` (CIBA §11) and the reason. */
  deny(approvalId: string, reason: string): Promise<void>;
}

export interface CibaApprovalDeps {
  provider: Provider;
  engine: OidcEngine;
  stores: Stores;
  policies: (clientId: string) => Promise<ResolvedPolicy | undefined>;
  resourceServers: Readonly<Record<string, ResourceServerConfig>>;
  /** Scopes the provider treats as OpenID scopes (openid, offline_access and the claims' scopes). */
  oidcScopes: ReadonlySet<string>;
  csrf: ReturnType<typeof csrfTokens>;
  trustedProxies: TrustedProxies;
  bodyLimit: string | number;
  logger: Logger;
  now: () => number;
}

const notFound = () =>
  new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_CIBA_APPROVAL_NOT_FOUND, 'no such approval (finished, expired or never requested)', {});

/** The approvals' store and their two endings. */
export function cibaApprovals(deps: CibaApprovalDeps): CibaApprovals {
  const { provider, stores } = deps;

  async function find(approvalId: string): Promise<StoredApproval | undefined> {
    const stored = await stores.kv.get(approvalKey(approvalId));
    return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as unknown as StoredApproval) : undefined;
  }

  /** The approval and its request, taken (deleted) so that it ends once; unknown or already answered → not found. */
  async function take(
    approvalId: string,
  ): Promise<{ approval: StoredApproval; request: InstanceType<Provider['BackchannelAuthenticationRequest']> }> {
    const approval = await find(approvalId);
    if (!approval) throw notFound();
    await stores.kv.delete(approvalKey(approvalId));
    const request = await provider.BackchannelAuthenticationRequest.find(approval.authReqId);
    if (!request || request.isExpired || request.grantId || request.error) throw notFound();
    return { approval, request };
  }

  /**
   * CIBA §11: the person refused → `access_denied` at the token endpoint. Set on the request
   * directly (as oidc-provider's device flow does): `backchannelResult` with an error stores
   * `error_description`, which the token endpoint does not read, so the reason would be lost.
   */
  async function refuse(
    request: { error?: string | undefined; errorDescription?: string | undefined; save(): Promise<string> },
    reason: string,
  ): Promise<void> {
    Object.assign(request, { error: 'access_denied', errorDescription: reason });
    await request.save();
  }

  async function deny(approvalId: string, reason: string): Promise<void> {
    const { request } = await take(approvalId);
    await refuse(request, reason);
  }

  async function approve(approvalId: string, login: LoginResult): Promise<void> {
    const { approval, request } = await take(approvalId);
    if (login.accountId !== approval.sub) {
      await refuse(request, 'the approval was completed by another person');
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_CIBA_APPROVAL_SUBJECT, 'the approving journey identified another subject', {});
    }
    const grant = new provider.Grant({ clientId: approval.clientId, accountId: approval.sub });
    const scopes = (request.scope ?? '').split(' ').filter(Boolean);
    const oidc = scopes.filter((s) => deps.oidcScopes.has(s));
    if (oidc.length > 0) grant.addOIDCScope(oidc.join(' '));
    const claims = request.claims as { id_token?: object; userinfo?: object } | undefined;
    const claimNames = [...Object.keys(claims?.id_token ?? {}), ...Object.keys(claims?.userinfo ?? {})];
    if (claimNames.length > 0) grant.addOIDCClaims(claimNames);
    // RFC 8707: the requested scopes the resource server lists (getResourceServerInfo vetted the indicator at the request).
    const resources = request.resource === undefined ? [] : Array.isArray(request.resource) ? request.resource : [request.resource];
    for (const indicator of resources) {
      const listed = new Set(deps.resourceServers[indicator]?.scopes ?? []);
      const granted = scopes.filter((s) => listed.has(s));
      if (granted.length > 0) grant.addResourceScope(indicator, granted.join(' '));
    }
    await grant.save();
    await provider.backchannelResult(request, grant, {
      acr: login.acr,
      ...(login.amr ? { amr: login.amr } : {}),
      authTime: login.ts,
    });
  }

  return { find, approve, deny };
}

/** The approval pages post to themselves only; nobody may frame them (clickjacking an approval). */
function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy([]));
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.removeHeader('X-Powered-By');
}

function wantsJson(req: Request): boolean {
  return req.is('application/json') === 'application/json' || prefersJson(req);
}

/**
 * The approval pages: `GET <mount>/ciba/:approvalId` starts the client's flow (its default, or
 * the request's `acr_values`) as a journey with the request's parameters (`binding_message`,
 * `scope`, `login_hint`…) as `params` and `meta: { cibaApproval, clientId }`;
 * `POST <mount>/ciba/:approvalId` answers it (CSRF-bound form, or JSON `{ journeyId, callbacks }`).
 * The journey's end approves or denies the request.
 */
export function cibaApprovalRoutes(deps: CibaApprovalDeps, approvals: CibaApprovals): Router {
  const { engine, policies, csrf } = deps;
  const router = Router();
  const csrfId = (approvalId: string) => `ciba:${approvalId}`;

  async function respond(req: Request, res: Response, approvalId: string, result: JourneyResult): Promise<void> {
    applyCookies(res, result.cookies);
    res.setHeader('Cache-Control', 'no-store');
    if (result.status === 'suspended') {
      if (wantsJson(req)) {
        res.json({ journeyId: result.journeyId, callbacks: result.callbacks, ...(result.header ? { header: result.header } : {}) });
        return;
      }
      const action = req.originalUrl.split('?')[0] as string;
      sendHtml(
        res,
        200,
        journeyForm({
          title: result.header ?? 'Approve sign-in',
          action,
          journeyId: result.journeyId,
          csrf: csrf.issue(csrfId(approvalId), result.journeyId),
          callbacks: result.callbacks,
        }),
      );
      return;
    }
    const login = result.status === 'success' ? await loginResult(result, deps.stores, deps.now()) : undefined;
    if (login) {
      await approvals.approve(approvalId, login);
      if (wantsJson(req)) res.json({ status: 'success' });
      else sendHtml(res, 200, statusPage('Request approved', 'The application can continue now. You can close this page.'));
      return;
    }
    const reason = result.status === 'failure' ? result.reason : 'the approval journey identified nobody';
    deps.logger.info('ciba approval denied', { requestId: requestIdFor(req), flowId: result.flowId, journeyId: result.journeyId, reason });
    await approvals.deny(approvalId, reason);
    if (wantsJson(req)) res.status(401).json({ status: 'failure', code: 'access_denied', reason });
    else sendHtml(res, 200, alertPage('Request denied', 'The request was not approved. The application has been told.'));
  }

  const start: RequestHandler = async function startApproval(req, res) {
    pageHeaders(res);
    const approvalId = String(req.params.approvalId);
    const approval = await approvals.find(approvalId);
    const request = approval && (await deps.provider.BackchannelAuthenticationRequest.find(approval.authReqId));
    const policy = approval && (await policies(approval.clientId));
    if (!approval || !request || request.isExpired || request.grantId || request.error || !policy) throw notFound();
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.params ?? {})) if (typeof v === 'string') params[k] = v;
    const client: ClientInfo = { clientId: policy.clientId, redirectTargets: [], redirectUris: policy.redirectUris };
    const result = await engine.start(chooseFlow(policy, params.acr_values), {
      request: requestInfo(req, deps.trustedProxies),
      client,
      params,
      meta: { cibaApproval: approvalId, clientId: policy.clientId },
    });
    await respond(req, res, approvalId, result);
  };

  const submit: RequestHandler = async function continueApproval(req, res) {
    pageHeaders(res);
    const approvalId = String(req.params.approvalId);
    if (!(await approvals.find(approvalId))) throw notFound();
    const json = req.is('application/json') === 'application/json';
    const body = (req.body ?? {}) as Record<string, unknown>;
    const journeyId = typeof body.journeyId === 'string' ? body.journeyId : '';
    if (!json && !csrf.verify(csrfId(approvalId), journeyId, typeof body.csrf === 'string' ? body.csrf : undefined))
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN, 'stale or foreign form', {});
    const pending = journeyId === '' ? undefined : await engine.pending(journeyId);
    if (!pending) throw new WaymarkError('ERR_JOURNEY_NOT_FOUND', 'no such journey', {});
    // Only the journey this approval started may be continued through it.
    if (pending.meta?.cibaApproval !== approvalId)
      throw new WaymarkError(OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN, 'journey of another approval', {});
    const form: Record<string, string> = {};
    if (!json) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
    const callbacks = json ? (body.callbacks as Callback[]) : formToCallbacks(pending.callbacks, form);
    const result = await engine.resume(journeyId, { callbacks, request: requestInfo(req, deps.trustedProxies) });
    await respond(req, res, approvalId, result);
  };

  router.get('/:approvalId', start);
  router.post(
    '/:approvalId',
    express.urlencoded({ extended: false, limit: deps.bodyLimit }),
    express.json({ limit: deps.bodyLimit }),
    submit,
  );
  router.use(function approvalErrors(err: unknown, req: Request, res: Response, next: NextFunction) {
    if (res.headersSent) return next(err);
    res.setHeader('Cache-Control', 'no-store');
    const code = err instanceof WaymarkError ? err.code : undefined;
    const answer =
      code === OIDC_PROVIDER_ERRORS.ERR_CIBA_APPROVAL_NOT_FOUND
        ? {
            pageStatus: 404,
            error: 'invalid_request',
            description: 'This approval link is not valid any more: it was used, it expired, or it never existed.',
            code,
            headers: {},
          }
        : code === OIDC_PROVIDER_ERRORS.ERR_CIBA_APPROVAL_SUBJECT
          ? {
              pageStatus: 403,
              error: 'access_denied',
              description: 'This request was for someone else. It has been denied.',
              code,
              headers: {},
            }
          : interactionErrorAnswer(err);
    if (answer.pageStatus === 500)
      deps.logger.error('ciba approval failed', {
        requestId: requestIdFor(req),
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    else
      deps.logger.warn('ciba approval refused', {
        requestId: requestIdFor(req),
        status: answer.pageStatus,
        error: answer.error,
        code: answer.code,
      });
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    if (wantsJson(req)) {
      res.status(answer.pageStatus).json(journeyErrorBody(answer));
      return;
    }
    sendHtml(res, answer.pageStatus, errorPage(answer, { base: BASE, title: 'Approval could not continue', sentence: answer.description }));
  });
  return router;
}
