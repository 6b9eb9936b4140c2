import type { JourneyResult } from '@waymark/core';
import { PolicyError, type PolicyDecisionPoint } from '@waymark/policy';
import type { CounterStore, RequestInfo, SessionStore, Transaction } from '@waymark/sdk';
import type { WaymarkEngine } from '../../engine.js';

/** What the step-up endpoints share. */
export interface StepUpDeps {
  pdp: PolicyDecisionPoint;
  engine: WaymarkEngine;
  sessions: SessionStore;
  counters: Pick<CounterStore, 'increment'>;
  maxStepUps: number;
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
 * Starts the transaction's step-up journey. The journey's subject comes from the transaction
 * (server side), never from the caller, and the journey carries `meta.txId` so its success can
 * only ever count for this transaction.
 */
export async function startStepUp(deps: StepUpDeps, tx: Transaction, request: RequestInfo): Promise<JourneyResult> {
  // A transaction-specific budget: each journey has its own OTP attempts, so journeys are counted too.
  const starts = await deps.counters.increment(`waymark:tx-stepup:${tx.id}`, Math.max(1, Math.ceil((tx.expiresAt - tx.createdAt) / 1000)));
  if (starts > deps.maxStepUps) throw new PolicyError('ERR_TRANSACTION_RATE_LIMITED', 'too many step-up attempts for this transaction; retry the request for a new one');
  const flow = typeof tx.data?.flow === 'string' ? tx.data.flow : undefined;
  if (!flow) throw new PolicyError('ERR_TRANSACTION_NOT_FOUND', 'the transaction names no step-up flow');
  return deps.engine.start(flow, { request, state: { sub: tx.sub }, meta: { txId: tx.id } });
}
