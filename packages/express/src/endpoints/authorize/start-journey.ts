import type { RequestHandler } from 'express';
import type { JsonObject } from '@waymark/sdk';
import { toClientInfo } from '../../clients/client-registry.js';
import { HttpError } from '../../errors.js';
import { locals } from '../../lib/locals.js';
import { requestInfo } from '../../lib/request-info.js';
import { spendJourneyStart } from '../../limits/journey-start.js';
import type { RouterContext } from '../../options.js';
import { answerJourney, browserJourneyMeta } from './answer.js';

/**
 * Runs the journey of the authorization request and answers its first result: the journey the
 * push phase started at PAR, redeemed with this browser request, or else the chosen flow,
 * started here.
 */
export function startJourney(ctx: RouterContext): RequestHandler {
  return async function startJourney(req, res) {
    const state = locals(res);
    const request = state.authorization;
    if (!ctx.engine) throw new HttpError('ERR_NO_ENGINE', 'the router has no engine');
    if (!request) throw new HttpError('ERR_INVALID_REQUEST', 'no authorization request');
    const meta = browserJourneyMeta(request.client.clientId, request.redirectUri, request.state);
    if (request.pushedJourney !== undefined) {
      if (!ctx.engine.redeem) throw new HttpError('ERR_NO_ENGINE', 'the engine cannot redeem a pushed journey');
      const result = await ctx.engine.redeem(request.pushedJourney, { request: requestInfo(req, res) });
      state.flowId = result.flowId;
      await answerJourney(ctx, req, res, result, request.client, meta);
      return;
    }
    if (state.flowId === undefined) throw new HttpError('ERR_INVALID_REQUEST', 'no authorization request');
    // A browser at the authorization endpoint authenticates nothing: counted per client and source IP.
    await spendJourneyStart(ctx, request.client, state.clientIp, false);
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
