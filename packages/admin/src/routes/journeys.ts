import { Router } from 'express';
import type { JourneyRecord, JourneyTraceStep } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { notFound } from '../errors.js';
import { defined, QueryReader } from '../lib/query.js';
import { sendJson } from '../lib/respond.js';
import type { AdminContext } from '../options.js';

const STATUSES = ['live', 'success', 'failure'] as const;

/* Only the fields the contract names: whatever else a store kept never leaves (no submitted value, no secret). */
function stepView(s: JourneyTraceStep): JourneyTraceStep {
  return defined({ node: s.node, type: s.type, outcome: s.outcome, ms: s.ms, reason: s.reason, code: s.code }) as JourneyTraceStep;
}

function journeyView(j: JourneyRecord, withTrace: boolean) {
  const { trace, ...rest } = j;
  const summary = defined({
    id: rest.id,
    flowId: rest.flowId,
    flowVersion: rest.flowVersion,
    status: rest.status,
    client_id: rest.client_id,
    sub: rest.sub,
    code: rest.code,
    reason: rest.reason,
    node: rest.node,
    requestId: rest.requestId,
    startedAt: rest.startedAt,
    updatedAt: rest.updatedAt,
    endedAt: rest.endedAt,
  });
  return withTrace ? { ...summary, trace: trace.map(stepView) } : { ...summary, steps: trace.length };
}

/** Journeys as operators see them (the journey log): query, and one with its trace. */
export function journeyRoutes(ctx: AdminContext): Router {
  const router = Router();
  const read = permit(ctx, 'read');
  router.get('/journeys', read, async (req, res) => {
    const q = new QueryReader(req, ['from', 'to', 'flow', 'client_id', 'sub', 'status', 'code', 'limit', 'cursor']);
    const page = await ctx.stores.journeyLog.query(
      defined({
        from: q.time('from'),
        to: q.time('to'),
        flowId: q.text('flow'),
        client_id: q.text('client_id'),
        sub: q.text('sub'),
        status: q.oneOf('status', STATUSES),
        code: q.text('code'),
        limit: q.limit(),
        cursor: q.text('cursor'),
      }),
    );
    sendJson(res, 200, {
      journeys: page.journeys.map((j) => journeyView(j, false)),
      ...(page.next !== undefined ? { next: page.next } : {}),
    });
  });
  router.get('/journeys/:id', read, async (req, res) => {
    const journey = await ctx.stores.journeyLog.get(req.params.id as string);
    if (!journey)
      throw notFound('no such journey in the journey log (never started, or past its retention): query them with GET /admin/v1/journeys');
    sendJson(res, 200, journeyView(journey, true));
  });
  return router;
}
