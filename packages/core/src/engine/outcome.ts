import { WaymarkError, type Logger } from '@waymark/sdk';
import { CORE_ERRORS } from '../errors.js';
import type { CompiledNode } from './compile.js';
import type { Execution } from './execute.js';
import type { LiveJourney } from './live-journey.js';
import { describeThrown, redact } from './redact.js';

/**
 * Where a step goes next: an outcome to follow, or a coded failure that ends the journey. A
 * failure also says what the failing node's trace step records: `outcome` (`error` or
 * `timeout`) and `stepReason` (the thrown error's code, `thrown`, `timeout` or
 * `undeclared_outcome`), so the trace shows the node even though no outcome was wired.
 */
export type StepOutcome =
  { outcome: string; reason?: string } | { code: string; reason: string; failed: { outcome: 'error' | 'timeout'; stepReason: string } };

/**
 * Maps a node's execution to the outcome to follow. An undeclared outcome, a timeout or a
 * throw follows the node's wired `error` / `timeout` outcome, else ends the journey with
 * ERR_NODE_OUTCOME / ERR_NODE_TIMEOUT / ERR_NODE_FAILED. What a node threw is logged with
 * every secret and pushed value redacted.
 */
export function outcomeOf(
  node: CompiledNode,
  execution: Exclude<Execution, { kind: 'suspend' }>,
  live: LiveJourney,
  logger: Logger,
  requestId?: string,
): StepOutcome {
  switch (execution.kind) {
    case 'outcome':
      if (node.declared.has(execution.outcome) || (execution.outcome === 'error' && 'error' in node.outcomes)) return execution;
      logger.error('node returned an undeclared outcome', {
        ...(requestId !== undefined ? { requestId } : {}),
        journeyId: live.id,
        node: node.id,
        type: node.type.type,
        outcome: execution.outcome,
      });
      if ('error' in node.outcomes) return { outcome: 'error', reason: 'undeclared_outcome' };
      return {
        code: CORE_ERRORS.ERR_NODE_OUTCOME,
        reason: `node ${node.id} (${node.type.type}) returned an outcome its type does not declare`,
        failed: { outcome: 'error', stepReason: 'undeclared_outcome' },
      };
    case 'timeout':
      if ('timeout' in node.outcomes) return { outcome: 'timeout', reason: 'timeout' };
      return {
        code: CORE_ERRORS.ERR_NODE_TIMEOUT,
        reason: `node ${node.id} (${node.type.type}) did not answer in time`,
        failed: { outcome: 'timeout', stepReason: 'timeout' },
      };
    case 'error': {
      const error = execution.error;
      logger.error('node threw', {
        ...(requestId !== undefined ? { requestId } : {}),
        journeyId: live.id,
        node: node.id,
        type: node.type.type,
        code: error instanceof WaymarkError ? error.code : undefined,
        error: redact(describeThrown(error), live),
      });
      const thrown = error instanceof WaymarkError ? error.code : 'thrown';
      if ('error' in node.outcomes) return { outcome: 'error', reason: thrown };
      return {
        code: CORE_ERRORS.ERR_NODE_FAILED,
        reason: `node ${node.id} (${node.type.type}) failed`,
        failed: { outcome: 'error', stepReason: thrown },
      };
    }
  }
}
