import { Router } from 'express';
import type { JourneyQuery, JourneyRecord, JourneyTraceStep } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { badRequest, notFound } from '../errors.js';
import { defined, QueryReader } from '../lib/query.js';
import { sendJson } from '../lib/respond.js';
import type { AdminContext } from '../options.js';

const STATUSES = ['live', 'success', 'failure'] as const;

/* Only the fields the contract names: whatever else a store kept never leaves (no submitted value, no secret). */
function stepView(s: JourneyTraceStep): JourneyTraceStep {
  const subflow = s.subflow && { flowId: s.subflow.flowId, flowVersion: s.subflow.flowVersion, trace: s.subflow.trace.map(stepView) };
  return defined({ node: s.node, type: s.type, outcome: s.outcome, ms: s.ms, reason: s.reason, code: s.code, subflow }) as JourneyTraceStep;
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
  // Per-flow funnel: how many journeys reached each node and took each outcome in a time window, from the
  // journey log's traces (what the studio's funnel view and the MCP server's funnel tool draw).
  router.get('/flows/:id/funnel', read, async (req, res) => {
    const q = new QueryReader(req, ['from', 'to', 'version']);
    const version = q.text('version');
    if (version !== undefined && !/^[1-9]\d{0,8}$/.test(version)) throw badRequest('version', 'must be a flow version number such as 3');
    const funnel = await flowFunnel(ctx, {
      flowId: req.params.id as string,
      ...defined({ from: q.time('from'), to: q.time('to'), version: version === undefined ? undefined : Number(version) }),
    });
    sendJson(res, 200, funnel);
  });
  return router;
}

/** The most journeys one funnel reads; past it the answer says `truncated: true` (narrow the window). */
export const FUNNEL_MAX_JOURNEYS = 10_000;

export interface FunnelNode {
  node: string;
  type: string;
  /** Journeys that ran this node at least once. */
  reached: number;
  /** How often each outcome was taken (a node run twice in one journey counts twice). */
  outcomes: Record<string, number>;
  /** Error codes the node failed with, and how often. */
  codes?: Record<string, number>;
}

export interface Funnel {
  flowId: string;
  version?: number;
  from?: number;
  to?: number;
  journeys: number;
  statuses: Record<JourneyRecord['status'], number>;
  /** Nodes in the order journeys first reached them. */
  nodes: FunnelNode[];
  truncated: boolean;
}

async function flowFunnel(ctx: AdminContext, query: { flowId: string; from?: number; to?: number; version?: number }): Promise<Funnel> {
  const statuses: Funnel['statuses'] = { live: 0, success: 0, failure: 0 };
  const nodes = new Map<string, FunnelNode>();
  let journeys = 0;
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await ctx.stores.journeyLog.query(
      defined({ flowId: query.flowId, from: query.from, to: query.to, limit: 1000, cursor }) as JourneyQuery,
    );
    for (const j of page.journeys) {
      if (query.version !== undefined && j.flowVersion !== query.version) continue;
      if (journeys === FUNNEL_MAX_JOURNEYS) {
        truncated = true;
        break;
      }
      journeys++;
      statuses[j.status]++;
      const seen = new Set<string>();
      for (const step of j.trace) {
        let node = nodes.get(step.node);
        if (!node) nodes.set(step.node, (node = { node: step.node, type: step.type, reached: 0, outcomes: {} }));
        if (!seen.has(step.node)) {
          seen.add(step.node);
          node.reached++;
        }
        node.outcomes[step.outcome] = (node.outcomes[step.outcome] ?? 0) + 1;
        if (step.code !== undefined) (node.codes ??= {})[step.code] = (node.codes[step.code] ?? 0) + 1;
      }
    }
    cursor = truncated ? undefined : page.next;
  } while (cursor !== undefined);
  return {
    flowId: query.flowId,
    ...defined({ version: query.version, from: query.from, to: query.to }),
    journeys,
    statuses,
    nodes: [...nodes.values()],
    truncated,
  };
}
