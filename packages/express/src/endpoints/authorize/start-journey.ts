import type { RequestHandler } from 'express';
import type { JsonObject } from '@waymark/sdk';
import { toClientInfo } from '../../clients/client-registry.js';
import { HttpError } from '../../errors.js';
import { locals } from '../../lib/locals.js';
import { requestInfo } from '../../lib/request-info.js';
import { spendJourneyStart } from '../../limits/journey-start.js';
import type { RouterContext } from '../../options.js';
import { answerJourney, type BrowserJourneyMeta } from './answer.js';

/** Starts the chosen flow for the authorization request (429 past `journeyStartRateLimit`) and answers its first result. */
export function startJourney(ctx: RouterContext): RequestHandler {
  return async function startJourney(req, res) {
    const state = locals(res);
    const request = state.authorization;
    if (!ctx.engine) throw new HttpError('ERR_NO_ENGINE', 'the router has no engine');
    if (!request || state.flowId === undefined) throw new HttpError('ERR_INVALID_REQUEST', 'no authorization request');
    // A browser at the authorization endpoint authenticates nothing: counted per client and source IP.
    await spendJourneyStart(ctx, request.client, state.clientIp, false);
    const meta: BrowserJourneyMeta = { clientId: request.client.clientId };
    if (request.redirectUri !== undefined) meta.redirectUri = request.redirectUri;
    if (request.state !== undefined) meta.state = request.state;
    const result = await ctx.engine.start(state.flowId, {
      request: requestInfo(req, res),
      ...(request.par ? { par: request.par } : {}),
      params: request.params,
      client: toClientInfo(request.client),
      meta: meta as unknown as JsonObject,
    });
    await answerJourney(ctx, req, res, result, request.client, meta);
  };
}
