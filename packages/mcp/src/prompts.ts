import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

/** The two workflows the tools are for: building a flow, and debugging a failed journey. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'build_flow',
    {
      title: 'Build a flow',
      description: 'Build, test and save a Waymark flow from a description of the journey.',
      argsSchema: {
        goal: z.string().describe('What the journey should do, such as "remember devices unless risk is high"'),
        flowId: z.string().optional().describe('The flow id to use'),
      },
    },
    ({ goal, flowId }) =>
      user(
        [
          `Build a Waymark flow${flowId ? ` "${flowId}"` : ''} that does this: ${goal}`,
          '',
          '1. list_node_types (summary) to pick node types; get_node_type for each one you use (config schema, outcomes, callbacks). get_flow_schema for the document shape; get_flow on a similar flow for an example.',
          '2. Draft the flow: every outcome of every node wired to a node id, "success" or "failure"; node ids that say what they do.',
          '3. validate_flow; fix each problem at its pointer (the message says how) until it is valid.',
          '4. simulate_flow every path that matters (one visit per path; later visits keep the cookies of earlier ones; script risk and answers). Check each trace ends where it should.',
          '5. save_flow without confirm (a dry run): show the user the version and the diff. Only when the user agrees: save_flow with confirm: true.',
          '6. Do not activate unless the user asks; then activate_flow_version. rollback_flow undoes it.',
        ].join('\n'),
      ),
  );
  server.registerPrompt(
    'debug_failed_journey',
    {
      title: 'Debug a failed journey',
      description: 'Find why a journey failed: the journey, its trace, the audit trail around it and the flow version it ran.',
      argsSchema: {
        subject: z.string().optional().describe('The user (sub), such as "user-alice"'),
        around: z.string().optional().describe('When, as an RFC 3339 date-time such as "2026-12-03T21:14:00Z"'),
        flowId: z.string().optional(),
      },
    },
    ({ subject, around, flowId }) =>
      user(
        [
          `Find out why a journey failed${subject ? ` for ${subject}` : ''}${around ? ` around ${around}` : ''}${flowId ? ` in flow "${flowId}"` : ''}.`,
          '',
          '1. query_journeys with status "failure" (and subject, flowId, a window of a few minutes around the time).',
          '2. get_journey_trace for the journey: the last step is where it failed; its outcome, reason and code say why.',
          '3. query_audit_events in the same window (subject, type "journey.ended" or "authorize.ended", "client.auth_failed") for what happened around it.',
          '4. get_flow for the flow version the journey ran (flow@version), with the node types: read the failing node’s config and outcomes.',
          '5. get_flow_funnel over the window to see whether others fail at the same node.',
          '6. Explain the cause; propose a fix as a dry-run save_flow or update_flow_partial, and simulate_flow it first.',
        ].join('\n'),
      ),
  );
}
