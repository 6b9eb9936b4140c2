import type { Callback } from '@waymark/sdk';
import type { FailureResult, SuccessResult, SuspendedResult } from '../journey.js';
import type { LiveJourney } from './live-journey.js';

/** The answer to a journey that suspended on `callbacks`. Cookies: only the clears (no journey that has not succeeded sets one). */
export function suspendedResult(
  live: LiveJourney,
  callbacks: Callback[],
  header: string | undefined,
  stage: string | undefined,
  description?: string,
): SuspendedResult {
  const result: SuspendedResult = {
    status: 'suspended',
    journeyId: live.id,
    flowId: live.flow.id,
    flowVersion: live.flow.version,
    trace: live.trace,
    cookies: live.effects.cookies.filter((c) => c.value === null),
    callbacks,
  };
  if (header !== undefined) result.header = header;
  if (description !== undefined) result.description = description;
  if (stage !== undefined) result.stage = stage;
  if (live.meta !== undefined) result.meta = live.meta;
  return result;
}

/**
 * The answer to a journey that ended. Success carries every cookie the journey set or cleared,
 * its subject, session and redirect; failure carries the code, a reason safe to show, the last
 * node's reason and only the cookie clears.
 */
export function endedResult(live: LiveJourney, success: boolean, code: string, reason?: string): SuccessResult | FailureResult {
  const base = { journeyId: live.id, flowId: live.flow.id, flowVersion: live.flow.version, trace: live.trace, state: live.state };
  if (success) {
    const result: SuccessResult = { status: 'success', ...base, cookies: live.effects.cookies };
    const sub = live.effects.session?.sub ?? (typeof live.state.sub === 'string' ? live.state.sub : undefined);
    if (sub !== undefined) result.sub = sub;
    if (live.effects.session) result.sessionId = live.effects.session.id;
    if (live.effects.redirect !== undefined) result.redirect = live.effects.redirect;
    if (live.meta !== undefined) result.meta = live.meta;
    return result;
  }
  const last = live.trace[live.trace.length - 1];
  const result: FailureResult = {
    status: 'failure',
    ...base,
    cookies: live.effects.cookies.filter((c) => c.value === null),
    code,
    reason: reason ?? (last ? `the flow ended in failure after ${last.node} (${last.outcome})` : 'the flow ended in failure'),
  };
  if (last?.reason !== undefined) result.nodeReason = last.reason;
  if (last !== undefined) result.node = last.node;
  if (live.meta !== undefined) result.meta = live.meta;
  return result;
}
