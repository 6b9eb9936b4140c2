import type { Response } from 'express';
import type { Auditor, JourneyResult } from '@waymark/core';
import { locals } from '../../lib/locals.js';
import { PolicyError, type PolicyDecisionPoint } from '@waymark/policy';
import { STEP_UP_STATE, type CounterStore, type RequestInfo, type SessionStore, type Transaction } from '@waymark/sdk';
import type { WaymarkEngine } from '../../engine.js';

/** What the step-up endpoints share. */
export interface StepUpDeps {
  pdp: PolicyDecisionPoint;
  engine: WaymarkEngine;
  sessions: SessionStore;
  counters: Pick<CounterStore, 'increment'>;
  maxStepUps: number;
  /** The router's auditor: `stepup.ended` for every step-up journey that ended. */
  audit?: Auditor | undefined;
}

/**
 * Records the end of a step-up journey (`stepup.ended`): `success` when it authenticated the
 * transaction, else `failure` with the journey's code and failing node.
 */
export function auditStepUp(deps: StepUpDeps, res: Response, txId: string, result: Exclude<JourneyResult, { status: 'suspended' }>, authenticated: boolean): void {
  if (!deps.audit) return;
  const state = locals(res);
  const failed = result.status === 'failure' ? result : undefined;
  deps.audit.emit({
    type: 'stepup.ended',
    outcome: authenticated ? 'success' : 'failure',
    requestId: state.requestId,
    sub: result.status === 'success' ? result.sub : undefined,
    flow: `${result.flowId}@${result.flowVersion}`,
    node: failed?.node,
    code: authenticated ? undefined : (failed?.code ?? 'ERR_STEPUP_FAILED'),
    reason: authenticated ? undefined : (failed?.nodeReason ?? failed?.reason ?? 'the journey did not authenticate this transaction'),
    ip: state.clientIp,
    userAgent: res.req.headers['user-agent'],
    journeyId: result.journeyId,
    transactionId: txId,
  });
}

/**
 * Loads a pending transaction for the caller's session: the session must be live and belong to
 * the transaction's subject. Throws `ERR_TRANSACTION_NOT_FOUND` / `ERR_TRANSACTION_FORBIDDEN`.
 */
export async function transactionForSession(deps: StepUpDeps, txId: string, sessionId: string | undefined): Promise<Transaction> {
  const tx = await deps.pdp.transaction(txId);
  if (!tx) throw new PolicyError('ERR_TRANSACTION_NOT_FOUND', 'no such transaction: it was used, expired, or never existed; retry the request for a new one');
  const session = sessionId ? await deps.sessions.get(sessionId) : undefined;
  // One message for "no session" and "someone else's": nothing tells a caller whose transaction it is.
  if (!session || session.sub !== tx.sub) throw new PolicyError('ERR_TRANSACTION_FORBIDDEN', "this transaction belongs to another session's user; sign in as that user");
  if (tx.status !== 'pending') throw new PolicyError('ERR_POLICY_REQUEST', 'this transaction is already authenticated; retry the protected request with it', { field: 'txId' });
  return tx;
}

/**
 * What the step-up journey sees of a request: the request, with the caller's session (from
 * the cookie, or a REST caller's `ssoToken`) as the session cookie, so a node that touches the
 * session finds the one this step-up raises.
 */
export function stepUpRequest(request: RequestInfo, cookie: string, sessionId: string): RequestInfo {
  return { ...request, cookies: { ...request.cookies, [cookie]: sessionId } };
}

/**
 * Starts the transaction's step-up journey. The journey's subject comes from the transaction
 * (server side), never from the caller, and the journey carries `meta.txId` so its success can
 * only ever count for this transaction. Its state marks it a step-up (`STEP_UP_STATE`): these
 * endpoints return no cookie, so `session.create` raises the caller's session in place instead
 * of replacing it (a replaced session would log the user out and strand the transaction).
 */
export async function startStepUp(deps: StepUpDeps, tx: Transaction, request: RequestInfo): Promise<JourneyResult> {
  // A transaction-specific budget: each journey has its own OTP attempts, so journeys are counted too.
  const starts = await deps.counters.increment(`waymark:tx-stepup:${tx.id}`, Math.max(1, Math.ceil((tx.expiresAt - tx.createdAt) / 1000)));
  if (starts > deps.maxStepUps) throw new PolicyError('ERR_TRANSACTION_RATE_LIMITED', 'too many step-up attempts for this transaction; retry the request for a new one');
  const flow = typeof tx.data?.flow === 'string' ? tx.data.flow : undefined;
  if (!flow) throw new PolicyError('ERR_TRANSACTION_NOT_FOUND', 'the transaction names no step-up flow');
  return deps.engine.start(flow, { request, state: { sub: tx.sub, [STEP_UP_STATE]: true }, meta: { txId: tx.id } });
}
