import type { RequestHandler } from 'express';
import { formToCallbacks } from '@waymark/http';
import { WaymarkError } from '@waymark/sdk';
import { invalidClient } from '../../client-auth/presented-credentials.js';
import { HttpError, invalidRequest } from '../../errors.js';
import { locals, params } from '../../lib/locals.js';
import { requestInfo } from '../../lib/request-info.js';
import type { RouterContext } from '../../options.js';
import type { PendingStep } from '../../engine.js';
import { answerJourney, type BrowserJourneyMeta } from './answer.js';
import { verifyCsrf } from './csrf.js';

const JOURNEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const pendingSteps = new WeakMap<object, PendingStep>();

/** The form's journey id and CSRF token; the token is checked before any store is read. */
export function checkContinueCsrf(ctx: RouterContext): RequestHandler {
  return function checkContinueCsrf(req, res, next) {
    const form = params(res);
    const journeyId = form['journeyId'];
    if (journeyId === undefined || !JOURNEY_ID.test(journeyId))
      throw invalidRequest('journeyId is missing or malformed', { param: 'journeyId' });
    verifyCsrf(ctx.csrfKey, req, journeyId, form['csrf']);
    next();
  };
}

/** What the journey waits for (ERR_JOURNEY_NOT_FOUND when it finished, expired or never was), and its client. */
export function loadPendingStep(ctx: RouterContext): RequestHandler {
  return async function loadPendingStep(_req, res, next) {
    const engine = ctx.engine;
    if (!engine?.pending) throw new HttpError('ERR_NO_ENGINE', 'the engine cannot list pending callbacks');
    const journeyId = params(res)['journeyId'] as string;
    const pending = await engine.pending(journeyId);
    if (!pending) throw new WaymarkError('ERR_JOURNEY_NOT_FOUND', 'no such journey: it finished, expired, or never existed');
    const meta = pending.meta as Partial<BrowserJourneyMeta> | undefined;
    const client = typeof meta?.clientId === 'string' ? ctx.clients.get(meta.clientId) : undefined;
    // A client disabled or deleted since the journey started is refused here too, as an unknown one.
    if (typeof meta?.clientId === 'string' && !client) throw invalidClient('the client this journey runs for is not registered', false);
    if (client) locals(res).client = client;
    pendingSteps.set(res, pending);
    next();
  };
}

/** Resumes the journey with the posted answers and answers its next result. */
export function resumeJourney(ctx: RouterContext): RequestHandler {
  return async function resumeJourney(req, res) {
    const engine = ctx.engine;
    const pending = pendingSteps.get(res);
    if (!engine || !pending) throw new HttpError('ERR_NO_ENGINE', 'the router has no engine');
    const form = params(res);
    const journeyId = form['journeyId'] as string;
    const result = await engine.resume(journeyId, { callbacks: formToCallbacks(pending.callbacks, form), request: requestInfo(req, res) });
    const meta = pending.meta as BrowserJourneyMeta | undefined;
    await answerJourney(ctx, req, res, result, locals(res).client, meta);
  };
}
