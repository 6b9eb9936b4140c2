import { AUDIT_EVENT_TYPES } from '@waymark/sdk';
import { z } from 'zod';
import { flowId, text, time } from '../lib/args.js';
import { defineTool, type ToolSpec } from '../lib/tool.js';

const limit = () =>
  z
    .number({ error: 'give a whole number from 1 to 1000' })
    .int()
    .min(1, { error: 'give 1 or more' })
    .max(1000, { error: 'give 1000 or fewer' })
    .optional()
    .describe('Page size (default 100).');
const cursor = () => z.string({ error: 'give the "next" of the previous page' }).optional().describe('The "next" of the previous page.');

export const operationTools: ToolSpec[] = [
  defineTool({
    name: 'query_journeys',
    collection: 'operations',
    title: 'Query journeys',
    description:
      'Finished and live journeys from the journey log, newest matching first page: by time range, flow, client, subject, status and failure code. Each has its id, flow@version, status and code; get_journey_trace reads one’s trace.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      from: time('Inclusive start: RFC 3339 ("2026-12-03T21:00:00Z") or epoch ms.'),
      to: time('Exclusive end.'),
      flowId: flowId().optional(),
      clientId: z.string().optional().describe('The OAuth client id.'),
      subject: z.string().optional().describe('The user’s sub.'),
      status: z.enum(['live', 'success', 'failure'], { error: 'give live, success or failure' }).optional(),
      code: z.string().optional().describe('A failure code, such as ERR_JOURNEY_FAILED.'),
      limit: limit(),
      cursor: cursor(),
    },
    async run(a, { admin }) {
      return (
        await admin.get('/journeys', {
          from: a.from,
          to: a.to,
          flow: a.flowId,
          client_id: a.clientId,
          sub: a.subject,
          status: a.status,
          code: a.code,
          limit: a.limit,
          cursor: a.cursor,
        })
      ).body;
    },
  }),
  defineTool({
    name: 'get_journey_trace',
    collection: 'operations',
    title: 'Get a journey’s trace',
    description: 'One journey with its trace: every step { node, type, outcome, ms, reason?, code? }. No secret, no submitted value.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: { journeyId: text('give a journey id (query_journeys or query_audit_events give them)').describe('The journey id.') },
    async run({ journeyId }, { admin }) {
      return (await admin.get(`/journeys/${encodeURIComponent(journeyId)}`)).body;
    },
  }),
  defineTool({
    name: 'query_audit_events',
    collection: 'operations',
    title: 'Query the audit trail',
    description:
      'Audit events, oldest first: journeys ended, PAR and authorize, policy decisions, sessions, failed client authentications, admin changes and agent reads. Filter by time range, type (such as "journey.ended"), subject, client, outcome ("failure" for failed logins) and transaction id (the X-Request-Id of a call).',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      from: time('Inclusive start: RFC 3339 or epoch ms.'),
      to: time('Exclusive end.'),
      type: z
        .enum(AUDIT_EVENT_TYPES, {
          error: 'give an event type such as journey.ended, admin.change or client.auth_failed',
        })
        .optional(),
      subject: z.string().optional().describe('The user’s sub.'),
      clientId: z.string().optional(),
      outcome: z.string().optional().describe('success, failure, refused, permit, deny, …'),
      transactionId: z.string().optional().describe('The request id (X-Request-Id) of one call.'),
      limit: limit(),
      cursor: cursor(),
    },
    async run(a, { admin }) {
      return (
        await admin.get('/audit-events', {
          from: a.from,
          to: a.to,
          type: a.type,
          sub: a.subject,
          client_id: a.clientId,
          outcome: a.outcome,
          request_id: a.transactionId,
          limit: a.limit,
          cursor: a.cursor,
        })
      ).body;
    },
  }),
  defineTool({
    name: 'get_flow_funnel',
    collection: 'operations',
    title: 'Get a flow’s funnel',
    description:
      'Per node of a flow over a time window: how many journeys reached it and the outcomes taken (and failure codes), from the journey log.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      flowId: flowId(),
      from: time('Inclusive start.'),
      to: time('Exclusive end.'),
      version: z.number({ error: 'give a version number' }).int().positive().optional().describe('Only journeys of this version.'),
    },
    async run({ flowId: id, from, to, version }, { admin }) {
      return (await admin.get(`/flows/${encodeURIComponent(id)}/funnel`, { from, to, version })).body;
    },
  }),
];
