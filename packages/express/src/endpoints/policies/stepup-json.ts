import type { Request, RequestHandler, Response } from 'express';
import type { JourneyResult } from '@waymark/core';
import type { Callback } from '@waymark/sdk';
import { badPolicyRequest, completeStepUp, PolicyError } from '@waymark/policy';
import { parseCookieHeader } from '@waymark/http';
import { requestInfo } from '../../lib/request-info.js';
import { auditStepUp, startStepUp, stepUpRequest, transactionForSession, type StepUpDeps } from './transaction-step-up.js';

function body(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw badPolicyRequest('body', 'must be a JSON object');
  return b as Record<string, unknown>;
}

/** The user's session: `ssoToken` in the body (REST callers, as AIC's), else the session cookie. */
function sessionOf(req: Request, cookie: string): string | undefined {
  const token = body(req).ssoToken;
  if (token !== undefined && (typeof token !== 'string' || token === '' || token.length > 256)) throw badPolicyRequest('ssoToken', 'must be a session id');
  return (token as string | undefined) ?? parseCookieHeader(req.headers.cookie)[cookie];
}

/** A suspended step-up as AIC's `/authenticate` answers it, with the transaction id. */
function answerStep(res: Response, txId: string, result: Extract<JourneyResult, { status: 'suspended' }>): void {
  res.status(200).json({
    journeyId: result.journeyId,
    txId,
    callbacks: result.callbacks,
    ...(result.header === undefined ? {} : { header: result.header }),
    ...(result.stage === undefined ? {} : { stage: result.stage }),
  });
}

/**
 * `POST /policies/transactions/:txId/stepup` — starts the step-up journey the advice asks for.
 * Requires the transaction subject's own session (`ssoToken` or cookie).
 */
export function startStepUpJson(deps: StepUpDeps, cookie: string): RequestHandler {
  return async function startStepUpJson(req, res) {
    const txId = String(req.params.txId);
    const sessionId = sessionOf(req, cookie);
    const tx = await transactionForSession(deps, txId, sessionId);
    const result = await startStepUp(deps, tx, stepUpRequest(requestInfo(req, res), cookie, sessionId as string));
    if (result.status === 'suspended') return answerStep(res, txId, result);
    // A flow that needs no input (rare for a step-up) finishes at once.
    await finish(deps, res, txId, result);
  };
}

async function finish(deps: StepUpDeps, res: Response, txId: string, result: JourneyResult): Promise<void> {
  if (result.status === 'suspended') return answerStep(res, txId, result);
  const authenticated = await completeStepUp(deps.pdp, txId, result);
  auditStepUp(deps, res, txId, result, authenticated);
  if (authenticated) {
    res.status(200).json({ status: 'success', txId });
    return;
  }
  throw new PolicyError('ERR_STEPUP_FAILED', 'the step-up journey did not authenticate this transaction', {
    reason: result.status === 'failure' ? (result.nodeReason ?? result.code) : 'subject_mismatch',
  });
}

/**
 * `POST /policies/transactions/:txId/stepup/continue` — `{ journeyId, callbacks }` answers the
 * journey's callbacks. On success the transaction is authenticated; the PEP's retry with the
 * txId then passes once.
 */
export function continueStepUpJson(deps: StepUpDeps, cookie: string): RequestHandler {
  return async function continueStepUpJson(req, res) {
    const txId = String(req.params.txId);
    const { journeyId, callbacks } = body(req);
    if (typeof journeyId !== 'string' || journeyId === '' || journeyId.length > 64) throw badPolicyRequest('journeyId', 'must be the journeyId of the step');
    if (!Array.isArray(callbacks)) throw badPolicyRequest('callbacks', 'must be the callbacks of the step with their inputs filled');
    const sessionId = sessionOf(req, cookie);
    await transactionForSession(deps, txId, sessionId);
    await assertJourneyOf(deps, journeyId, txId);
    const result = await deps.engine.resume(journeyId, { callbacks: callbacks as Callback[], request: stepUpRequest(requestInfo(req, res), cookie, sessionId as string) });
    await finish(deps, res, txId, result);
  };
}

/** When the engine can say (core's can), refuse a journey of another transaction before it advances. */
export async function assertJourneyOf(deps: StepUpDeps, journeyId: string, txId: string): Promise<void> {
  const engine = deps.engine as { pending?: (id: string) => Promise<{ meta?: { txId?: unknown } } | undefined> };
  if (typeof engine.pending !== 'function') return;
  const pending = await engine.pending(journeyId);
  if (pending && pending.meta?.txId !== txId) throw new PolicyError('ERR_TRANSACTION_FORBIDDEN', 'this journey was started for another transaction');
}
