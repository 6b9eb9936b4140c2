import type { JourneyResult } from '@waymark/core';
import type { PolicyDecisionPoint } from './pdp.js';

/**
 * Turns a finished step-up journey into an authenticated transaction, when and only when the
 * journey was started for this transaction (`meta.txId`) and succeeded for its subject.
 * Returns whether the transaction is now authenticated; the next evaluation carrying its id
 * then allows once.
 *
 * @example
 * const result = await engine.resume(journeyId, { callbacks, request });
 * if (await completeStepUp(pdp, txId, result)) answer({ status: 'success', txId });
 */
export async function completeStepUp(pdp: Pick<PolicyDecisionPoint, 'authenticateTransaction'>, txId: string, result: JourneyResult): Promise<boolean> {
  if (result.status !== 'success' || result.meta?.txId !== txId || typeof result.sub !== 'string') return false;
  return pdp.authenticateTransaction(txId, result.sub);
}
