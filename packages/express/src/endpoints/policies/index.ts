import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { ConfigInvalidError } from '@waymark/core';
import { createPolicyDecisionPoint, type PolicyDecisionPoint } from '@waymark/policy';
import { clientIp } from '../../middleware/client-ip.js';
import { parseFormParams, readFormBody, requireFormContentType } from '../../middleware/form-body.js';
import { noStore, securityHeaders } from '../../middleware/security-headers.js';
import type { RouterContext } from '../../options.js';
import { policyErrorHandler } from './error-handler.js';
import { evaluateSteps } from './evaluate.js';
import { readJsonBody, requireJson } from './json-body.js';
import { STEPUP_SESSION_COOKIE, type PolicyRouterOptions } from './options.js';
import { stepUpPages } from './stepup-page.js';
import { continueStepUpJson, startStepUpJson } from './stepup-json.js';
import type { StepUpDeps } from './transaction-step-up.js';

/** The router of the policy endpoints, with the decision point it uses. */
export interface PolicyRoutes extends Router {
  readonly pdp: PolicyDecisionPoint | undefined;
}

/** What every error of the `policies` option says it is about. */
const SUBJECT = 'router option "policies"';

function checkStepUpFlows(ctx: RouterContext, pdp: PolicyDecisionPoint): void {
  const engine = ctx.engine as { flow?: (id: string) => unknown } | undefined;
  if (typeof engine?.flow !== 'function') return;
  const missing = [...pdp.config.flows].filter((id) => engine.flow?.(id) === undefined);
  if (missing.length > 0)
    throw new ConfigInvalidError(
      SUBJECT,
      missing.map((id) => ({ code: 'ERR_CONFIG_INVALID', pointer: '/policies/config/policySets/*/policies/*/condition/flow', message: `names flow "${id}", which the engine has not loaded: load flows/${id}.json or fix the name` })),
    );
}

/**
 * Transactional authorization on the adapter: `POST /policies/evaluate` for enforcement
 * points, and the step-up of a transaction as JSON (`POST /policies/transactions/:txId/stepup`,
 * `…/stepup/continue`) and as a browser page (`GET`/`POST /policies/transactions/:txId/stepup`).
 * Without `options` it is an empty router. Bad configuration throws `ERR_CONFIG_INVALID` here,
 * at start-up.
 *
 * @example
 * router.use(policyRoutes(ctx, { config: policies }));
 */
export function policyRoutes(ctx: RouterContext, options: PolicyRouterOptions | undefined): PolicyRoutes {
  const router = Router();
  if (options === undefined) return Object.assign(router, { pdp: undefined });
  if ((options.config === undefined) === (options.pdp === undefined))
    throw new ConfigInvalidError(SUBJECT, [{ code: 'ERR_CONFIG_INVALID', pointer: '/policies', message: 'give exactly one of "config" (the policy JSON) or "pdp" (a createPolicyDecisionPoint result)' }]);
  const maxStepUps = options.maxStepUpsPerTransaction ?? 3;
  if (!Number.isInteger(maxStepUps) || maxStepUps < 1)
    throw new ConfigInvalidError(SUBJECT, [{ code: 'ERR_CONFIG_INVALID', pointer: '/policies/maxStepUpsPerTransaction', message: 'must be a positive integer (default 3)' }]);
  const cookie = options.sessionCookie ?? STEPUP_SESSION_COOKIE;
  const pdp =
    options.pdp ??
    createPolicyDecisionPoint(options.config, {
      stores: ctx.stores,
      clock: ctx.clock,
      // The per-subject transaction limit counts where every other limit of the router does.
      rateLimiters: ctx.rateLimiters,
      // Its decisions go to the router's audit sinks.
      ...(ctx.audit ? { audit: ctx.audit } : {}),
      ...(options.resolveJwt ? { resolveJwt: options.resolveJwt } : {}),
    });
  checkStepUpFlows(ctx, pdp);

  const headers = securityHeaders(ctx.hsts, ctx.trustedProxies);
  router.post('/policies/evaluate', headers, ...evaluateSteps(ctx, pdp));

  if (ctx.engine) {
    const deps: StepUpDeps = { pdp, engine: ctx.engine, sessions: ctx.stores.sessions, counters: ctx.stores.counters, maxStepUps, audit: ctx.audit };
    const json = [headers, noStore(), clientIp(ctx), requireJson(), ...readJsonBody(ctx.bodyLimit)];
    router.post('/policies/transactions/:txId/stepup/continue', ...json, continueStepUpJson(deps, cookie));
    const pages = stepUpPages(deps, { cookie, csrfKey: ctx.csrfKey });
    const pageErrors: ErrorRequestHandler = (err, _req, res, next) => {
      if (!pages.errors(err, res)) next(err);
    };
    router.get('/policies/transactions/:txId/stepup', headers, noStore(), clientIp(ctx), pages.show, pageErrors);
    // One path, two callers: a JSON POST starts the journey for REST callers, a form POST answers the page.
    const formOnly: RequestHandler = (req, _res, next) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      next(type === 'application/json' ? 'route' : undefined);
    };
    router.post('/policies/transactions/:txId/stepup', headers, noStore(), clientIp(ctx), formOnly, requireFormContentType(), readFormBody(ctx.bodyLimit), parseFormParams(), pages.submit, pageErrors);
    router.post('/policies/transactions/:txId/stepup', ...json, startStepUpJson(deps, cookie));
  }
  router.use('/policies', policyErrorHandler());
  return Object.assign(router, { pdp });
}

export type { PolicyRouterOptions } from './options.js';
