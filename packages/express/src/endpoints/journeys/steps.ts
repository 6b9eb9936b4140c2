import type { Request, RequestHandler, Response } from 'express';
import type { JourneyResult } from '@waymark/core';
import type { JsonObject } from '@waymark/sdk';
import { authenticateClientLimited } from '../../client-auth/failure-limit.js';
import { invalidClient, presentedCredentials } from '../../client-auth/presented-credentials.js';
import { toClientInfo } from '../../clients/client-registry.js';
import type { Client } from '../../clients/types.js';
import { HttpError, invalidRequest } from '../../errors.js';
import { locals } from '../../lib/locals.js';
import { spendJourneyStart } from '../../limits/journey-start.js';
import { CLIENT_AUTH_PARAMETERS, REQUEST_OBJECT_PARAMETERS, STANDARD_AUTHORIZATION_PARAMETERS } from '../../lib/oauth-parameters.js';
import { printableName } from '../../lib/printable.js';
import { requestInfo } from '../../lib/request-info.js';
import { readJsonBody } from '../../middleware/json-body.js';
import { observeRequests } from '../../middleware/observe.js';
import { isAllowedRedirectTarget } from '../../oauth/redirect-target.js';
import { checkScope } from '../../oauth/scope.js';
import type { RouterContext } from '../../options.js';
import { applyCookies, dropRefusedRedirect, noteJourney, suspendedJson } from '../authorize/answer.js';
import { enforceClientOrigin } from './cors.js';

const JOURNEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** What a caller may put in the body of `POST /journeys/:flow`. */
const START_KEYS = new Set(['client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'params']);

/** JSON only; anything else is refused before parsing (and needs a CORS preflight from a browser). */
export function requireJsonBody(): RequestHandler {
  return function requireJsonBody(req, _res, next) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw invalidRequest('the request body must be application/json');
    next();
  };
}

/** Parses JSON within the body limit: 413 as soon as the body passes it (the rest is never read), 400 when malformed. */
export function readJson(limit: string | number): RequestHandler[] {
  return readJsonBody(limit, { strict: true });
}

function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * `POST /journeys/:flow` body: `{ client_id, params? }` for a public client; a confidential
 * client authenticates as at the PAR endpoint (Basic header, `client_secret`, or
 * `client_assertion` + `client_assertion_type`). Nothing else: initial `state`, `meta` or a
 * pushed request cannot be passed by a caller (they would let a caller skip a flow's checks).
 * `params` are authorization parameters by name (standard ones, or the client's
 * `allowed_pushed_parameters`), strings only; they are not a pushed request, so nodes that read
 * pushed parameters (token.validate, ip.match, redirect `{ pushed }`) do not see them.
 */
export function authenticateJourneyClient(ctx: RouterContext): RequestHandler {
  return async function authenticateJourneyClient(req, res, next) {
    const body = bodyObject(req);
    for (const key of Object.keys(body))
      if (!START_KEYS.has(key))
        throw invalidRequest(`"${printableName(key)}" is not accepted; send client_id (and credentials) and params only`, {
          param: printableName(key),
        });
    const credentials: Record<string, string> = {};
    for (const name of ['client_id', ...CLIENT_AUTH_PARAMETERS]) {
      const value = body[name];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '') throw invalidRequest(`"${name}" must be a non-empty string`, { param: name });
      credentials[name] = value;
    }
    const presented = presentedCredentials(req.headers, credentials);
    const client = ctx.clients.get(presented.clientId);
    if (!client) throw invalidClient('unknown client', presented.method === 'client_secret_basic');
    locals(res).client = client;
    await authenticateClientLimited(ctx, client, presented, locals(res).clientIp);
    locals(res).authenticated = true;
    enforceClientOrigin(ctx, req, res, client);
    next();
  };
}

function startParams(client: Client, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalidRequest('"params" must be an object of strings', { param: 'params' });
  const allowed = new Set(client.allowedPushedParameters);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (
      CLIENT_AUTH_PARAMETERS.has(name) ||
      REQUEST_OBJECT_PARAMETERS.has(name) ||
      (!STANDARD_AUTHORIZATION_PARAMETERS.has(name) && !allowed.has(name))
    )
      throw invalidRequest(`parameter "${printableName(name)}" is not accepted for this client`, { param: printableName(name) });
    if (typeof value !== 'string')
      throw invalidRequest(`parameter "${printableName(name)}" must be a string`, { param: printableName(name) });
    out[name] = value;
  }
  // The same scope rule as PAR and authorize (RFC 6749 §3.3): within the client's allowed_scopes.
  checkScope(client, out['scope']);
  return out;
}

/** Answers a journey result as the AIC-style JSON API does. */
export async function answerJourneyJson(
  ctx: RouterContext,
  res: Response,
  result: JourneyResult,
  client: Client | undefined,
): Promise<void> {
  noteJourney(locals(res), result);
  if (result.status === 'suspended') {
    applyCookies(res, result.cookies, true);
    res.status(200).json(suspendedJson(result));
    return;
  }
  if (result.status === 'success') {
    if (result.redirect !== undefined && !(client && isAllowedRedirectTarget(client, result.redirect))) {
      await dropRefusedRedirect(ctx, res, result, client, res.req.headers['user-agent']);
      res
        .status(401)
        .json({
          status: 'failure',
          code: 'ERR_REDIRECT_NOT_ALLOWED',
          reason: 'the journey ended with a redirect this client does not allow',
        });
      return;
    }
    applyCookies(res, result.cookies, false);
    res.status(200).json({
      status: 'success',
      ...(result.sessionId !== undefined ? { sessionId: result.sessionId } : {}),
      ...(result.redirect !== undefined ? { redirect: result.redirect } : {}),
    });
    return;
  }
  applyCookies(res, result.cookies, true);
  res.status(401).json({ status: 'failure', code: result.code, reason: result.reason });
}

/** Starts `:flow` for the authenticated client, when the client may run it. */
export function startJourneyJson(ctx: RouterContext): RequestHandler {
  return async function startJourneyJson(req, res) {
    const engine = ctx.engine;
    if (!engine) throw new HttpError('ERR_NO_ENGINE', 'the router has no engine');
    const client = locals(res).client as Client;
    const flow = String(req.params.flow);
    locals(res).flowId = client.allowedFlows.includes(flow) ? flow : undefined;
    if (!client.allowedFlows.includes(flow)) throw new HttpError('ERR_FLOW_NOT_ALLOWED', 'this client may not run this flow');
    const params = startParams(client, bodyObject(req)['params']);
    await spendJourneyStart(ctx, client, locals(res).clientIp, !client.isPublic && locals(res).authenticated === true);
    const result = await engine.start(flow, {
      request: requestInfo(req, res),
      params,
      client: toClientInfo(client),
      meta: { clientId: client.clientId } as JsonObject,
    });
    await answerJourneyJson(ctx, res, result, client);
  };
}

/**
 * `POST /journeys/:id/continue` with `{ callbacks: [...] }` exactly as the step sent them,
 * inputs filled. The journey's client (from its meta) decides CORS and the redirect check.
 */
export function continueJourneyJson(ctx: RouterContext): RequestHandler {
  return async function continueJourneyJson(req, res) {
    const engine = ctx.engine;
    if (!engine) throw new HttpError('ERR_NO_ENGINE', 'the router has no engine');
    const journeyId = String(req.params.id);
    if (!JOURNEY_ID.test(journeyId)) throw invalidRequest('the journey id is malformed');
    const body = bodyObject(req);
    if (!Array.isArray(body['callbacks']))
      throw invalidRequest('"callbacks" must be the array the step sent, with inputs filled', { param: 'callbacks' });
    let client: Client | undefined;
    if (engine.pending) {
      const pending = await engine.pending(journeyId);
      const clientId = (pending?.meta as { clientId?: unknown } | undefined)?.clientId;
      client = typeof clientId === 'string' ? ctx.clients.get(clientId) : undefined;
      // A client disabled or deleted since the journey started is refused here too, as an unknown one.
      if (typeof clientId === 'string' && !client) throw invalidClient('the client this journey runs for is not registered', false);
      if (client) locals(res).client = client;
      if (pending) locals(res).flowId = pending.flowId;
    }
    enforceClientOrigin(ctx, req, res, client);
    const result = await engine.resume(journeyId, { callbacks: body['callbacks'] as never, request: requestInfo(req, res) });
    await answerJourneyJson(ctx, res, result, client);
  };
}

/** JSON journey API requests by endpoint and result, timed, one access-log line each. */
export function observeJourneyApi(ctx: RouterContext, endpoint: 'journey_start' | 'journey_continue'): RequestHandler {
  return observeRequests(
    ctx,
    endpoint,
    ctx.metrics.journeyRequests,
    (_client, result) => ({ endpoint, result }),
    (state, status) => state.journeyResult ?? state.oauthError ?? `status_${status}`,
  );
}
