import { z } from 'zod';
import type { AdminClient } from '../admin-client.js';
import { badArgument, McpToolError, type Problem } from '../errors.js';
import { confirm, flowId, object, version } from '../lib/args.js';
import { flowDiff } from '../lib/diff.js';
import { applyPatch, type PatchOperation } from '../lib/json-patch.js';
import { defineTool, type ToolContext, type ToolSpec } from '../lib/tool.js';
import type { NodeTypeView } from './catalog.js';
import { calledFlows } from '../simulate.js';

interface FlowEntry {
  id: string;
  versions: number[];
  activeVersion: number;
  latestVersion: number;
}
interface FlowVersion {
  id: string;
  version: number;
  flow: Record<string, unknown>;
  savedAt: number;
  savedBy: string;
  active: boolean;
}

const flowArg = () =>
  object(
    'give the flow as a JSON object: { "id", "description", "start", "nodes": { "<id>": { "type", "config", "outcomes" } } }',
  ).describe('The flow document (see get_flow_schema); "version" may be left out.');
const activateArg = () =>
  z
    .boolean({ error: 'give true to make the saved version the active one, or leave it out' })
    .optional()
    .describe(
      'true also activates the saved version. Default false: the active version stays as it is (activate later with activate_flow_version).',
    );

async function entryOf(admin: AdminClient, id: string): Promise<FlowEntry | undefined> {
  try {
    return (await admin.get<FlowEntry>(`/flows/${encodeURIComponent(id)}`)).body;
  } catch (error) {
    if (error instanceof McpToolError && error.details.status === 404) return undefined;
    throw error;
  }
}

export async function versionOf(admin: AdminClient, id: string, v: number | 'active' | 'latest'): Promise<FlowVersion> {
  return (await admin.get<FlowVersion>(`/flows/${encodeURIComponent(id)}/versions/${v}`)).body;
}

/** A flow as the agent wrote it, "version" left out allowed (1 stands in: save_flow numbers the version itself). */
const versioned = (flow: Record<string, unknown>) => (flow.version === undefined ? { ...flow, version: 1 } : flow);

/** The admin API's own validation (the server's node types): the problems, each with its code, pointer and fix. */
async function problemsOf(admin: AdminClient, flow: unknown): Promise<Problem[]> {
  return (await admin.call<{ valid: boolean; problems: Problem[] }>('POST', '/flows/validate', { body: flow })).body.problems;
}

/**
 * The one path of `save_flow` and `update_flow_partial`, dry run or not (n8n-mcp#466: a dry run
 * that passed while the save failed): validate the final flow, compare with the latest version,
 * then — only with `confirm: true` — save it as a new version (activating only when asked).
 */
async function saveFlow(
  ctx: ToolContext,
  flow: Record<string, unknown>,
  options: { confirm?: boolean | undefined; activate?: boolean | undefined; expectedVersion?: number | undefined; argument: string },
) {
  const { admin } = ctx;
  if (typeof flow.id !== 'string' || flow.id === '')
    throw badArgument(`${options.argument}.id`, 'give the flow an id, such as "remember-me-risk"');
  const entry = await entryOf(admin, flow.id);
  if (options.expectedVersion !== undefined && entry && entry.latestVersion !== options.expectedVersion)
    throw badArgument(
      'expectedVersion',
      `flow "${flow.id}" is at version ${entry.latestVersion}, not ${options.expectedVersion}: read it again (get_flow) and redo the change`,
    );
  const next = (entry?.latestVersion ?? 0) + 1;
  const candidate = { ...flow, version: next };
  const problems = await problemsOf(admin, candidate);
  if (problems.length > 0)
    throw new McpToolError(
      'ERR_MCP_ARGUMENT',
      `argument "${options.argument}": the flow is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was saved`,
      {
        argument: options.argument,
        problems,
      },
    );
  const latest = entry ? await versionOf(admin, flow.id, entry.latestVersion) : undefined;
  const plan = {
    flowId: flow.id,
    version: next,
    creates: entry === undefined,
    // A new flow's first version is its active one (there is no other); no client runs it until its allowed_flows name it.
    activates: entry === undefined || options.activate === true,
    activeVersion: entry?.activeVersion ?? null,
    diff: latest ? { against: latest.version, ...flowDiff(latest.flow, candidate) } : null,
  };
  if (options.confirm !== true)
    return { dryRun: true, valid: true, ...plan, next: 'nothing was saved: call again with confirm: true to save this version' };
  await ctx.guardWrite();
  const saved = entry
    ? await admin.call<FlowEntry & { version: number; active: boolean }>('PUT', `/flows/${encodeURIComponent(flow.id)}`, {
        body: candidate,
        query: { activate: options.activate === true ? undefined : 'false' },
        ifMatch: entry.latestVersion,
      })
    : await admin.call<FlowEntry & { version: number; active: boolean }>('POST', '/flows', { body: candidate });
  return { saved: true, ...plan, active: saved.body.active, activeVersion: saved.body.activeVersion, transactionId: saved.transactionId };
}

const patchOp = z.object(
  {
    op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test'], {
      error: 'give one of add, remove, replace, move, copy, test (RFC 6902)',
    }),
    path: z.string({ error: 'give a JSON pointer, such as "/nodes/verify/config/maxAttempts"' }),
    value: z.unknown().optional(),
    from: z.string({ error: 'give a JSON pointer' }).optional(),
  },
  { error: 'each operation is { "op", "path", "value"? , "from"? } (RFC 6902)' },
);

export const flowTools: ToolSpec[] = [
  defineTool({
    name: 'list_flows',
    collection: 'flows',
    title: 'List flows',
    description: 'Every flow: its versions, the active one (what new journeys run), the latest, and who changed it last.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {},
    async run(_args, { admin }) {
      return (await admin.get<{ flows: FlowEntry[] }>('/flows')).body;
    },
  }),
  defineTool({
    name: 'get_flow',
    collection: 'flows',
    title: 'Get a flow',
    description:
      'One version of a flow (default: the active one) and, in the same answer, the full schema of every node type it uses (config, outcomes, callbacks).',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      flowId: flowId(),
      version: version('Which version: a number, "active" (default) or "latest".').optional(),
      includeNodeTypes: z
        .boolean({ error: 'give true or false' })
        .optional()
        .describe('Include the node types the flow uses (default true).'),
    },
    async run({ flowId: id, version: v, includeNodeTypes }, { admin }) {
      const record = await versionOf(admin, id, v ?? 'active');
      if (includeNodeTypes === false) return record;
      const used = new Set(Object.values((record.flow.nodes ?? {}) as Record<string, { type?: string }>).map((n) => n.type));
      const { body } = await admin.get<{ nodeTypes: NodeTypeView[] }>('/node-types');
      const nodeTypes = Object.fromEntries(
        body.nodeTypes
          .filter((t) => used.has(t.type))
          .map((t) => [t.type, { description: t.description, config: t.config, outcomes: t.outcomes, callbacks: t.callbacks }]),
      );
      return { ...record, nodeTypes };
    },
  }),
  defineTool({
    name: 'validate_flow',
    collection: 'flows',
    title: 'Validate a flow',
    description:
      'Checks a flow exactly as the server would before saving it. Answers { valid, problems: [{ code, pointer, message }] }: fix each problem at its JSON pointer. Saves nothing.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: { flow: flowArg() },
    async run({ flow }, { admin }) {
      const problems = await problemsOf(admin, versioned(flow));
      return { valid: problems.length === 0, problems };
    },
  }),
  defineTool({
    name: 'simulate_flow',
    collection: 'flows',
    title: 'Simulate a flow',
    description:
      'Runs a flow (given inline, or a saved version) on an isolated in-memory engine: nothing reaches the server. Each visit is one journey of one simulated browser (cookies carry over between visits unless newBrowser); answers fill the callbacks of each suspension, keyed by callback type ("NameCallback", "PasswordCallback") or prompt; the answer "$otp" types the one-time code an otp.challenge asks for (the code the stand-in notifier delivered, or the current TOTP of the stand-in authenticator); risk scripts the risk engine ({ level: "HIGH" }); users are the stand-in directory. Answers the trace of every visit (node, type, outcome, ms), the prompts and messages, the cookie names set and cleared (never a value), and to whom one-time codes were sent (never the code).',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      flow: flowArg().optional(),
      flowId: flowId().optional(),
      version: version('With flowId: the saved version to run (default "active").').optional(),
      visits: z
        .array(
          z.object({
            request: z
              .object({ ip: z.string().optional(), userAgent: z.string().optional(), headers: z.record(z.string(), z.string()).optional() })
              .optional(),
            newBrowser: z.boolean().optional(),
            risk: z
              .object({
                level: z.enum(['LOW', 'MEDIUM', 'HIGH'], { error: 'give LOW, MEDIUM or HIGH' }).optional(),
                score: z.number().optional(),
                recommendedAction: z.string().optional(),
                unavailable: z.boolean().optional(),
              })
              .optional(),
            answers: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).optional(),
          }),
          { error: 'give a list of visits, such as [{ "answers": [{ "NameCallback": "alice", "PasswordCallback": "…" }] }]' },
        )
        .min(1, { error: 'give at least one visit' })
        .max(10, { error: 'give at most 10 visits' }),
      users: z
        .array(
          z.object({
            username: z.string(),
            password: z.string(),
            sub: z.string().optional(),
            email: z.string().optional(),
            totpSecret: z.string().nullable().optional(),
          }),
          { error: 'give [{ "username", "password", "sub"?, "email"?, "totpSecret"? }]' },
        )
        .optional()
        .describe(
          'The stand-in user directory (passwords are hashed in memory and never answered). Each user has an email (default <username>@simulated.invalid) and an authenticator enrolment (totpSecret, base32; default a random one; null: not enrolled).',
        ),
    },
    async run({ flow, flowId: id, version: v, visits, users }, { admin, simulator }) {
      if ((flow === undefined) === (id === undefined))
        throw badArgument('flow', 'give either "flow" (a flow document) or "flowId" (a saved flow), not both or neither');
      const document = flow ? versioned(flow) : (await versionOf(admin, id!, v ?? 'active')).flow;
      // The flows its flow.run nodes call, as saved on the server (a call to a flow not saved is the validation's to report).
      const subflows = await calledFlows(document, async (called, pinned) => {
        try {
          return (await versionOf(admin, called, pinned ?? 'active')).flow;
        } catch {
          return undefined;
        }
      });
      return simulator.run({ flow: document, subflows, visits, ...(users ? { users } : {}) });
    },
  }),
  defineTool({
    name: 'diff_flow_versions',
    collection: 'flows',
    title: 'Diff two flow versions',
    description:
      'What changed between two versions of a flow (or a version and a proposed flow): nodes added, removed and changed, and every change by JSON pointer.',
    write: false,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: {
      flowId: flowId(),
      from: version('The older version: a number, "active" or "latest".'),
      to: version('The newer version (default "latest").').optional(),
      proposed: flowArg().optional().describe('Instead of "to": a flow document to compare with "from".'),
    },
    async run({ flowId: id, from, to, proposed }, { admin }) {
      if (proposed !== undefined && to !== undefined) throw badArgument('to', 'give "to" or "proposed", not both');
      const a = await versionOf(admin, id, from);
      const b = proposed !== undefined ? { version: 'proposed', flow: proposed } : await versionOf(admin, id, to ?? 'latest');
      return { flowId: id, from: a.version, to: b.version, ...flowDiff(a.flow, b.flow) };
    },
  }),
  defineTool({
    name: 'save_flow',
    collection: 'flows',
    title: 'Save a flow version',
    description:
      'Saves a flow as a NEW version (earlier versions stay). A dry run unless confirm: true: validates, and answers the version it would save and the diff with the latest. Never activates unless activate: true (a new flow’s first version is its only one, so it is active, but no client runs it until allowed).',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    input: {
      flow: flowArg(),
      confirm: confirm(),
      activate: activateArg(),
      expectedVersion: z
        .number({ error: 'give the latest version you read (list_flows / get_flow)' })
        .int()
        .optional()
        .describe('Optimistic concurrency: the latest version you read.'),
    },
    run({ flow, confirm: yes, activate, expectedVersion }, ctx) {
      return saveFlow(ctx, flow, { confirm: yes, activate, expectedVersion, argument: 'flow' });
    },
  }),
  defineTool({
    name: 'update_flow_partial',
    collection: 'flows',
    title: 'Change a flow with a JSON Patch',
    description:
      'Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test) to a version of a flow (default the latest), validates the result as a whole, and saves it as a new version — a dry run unless confirm: true. All operations apply or none; nothing is saved when the result is invalid.',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    input: {
      flowId: flowId(),
      patch: z
        .array(patchOp, { error: 'give a JSON Patch: [{ "op": "replace", "path": "/nodes/verify/config/maxAttempts", "value": 3 }]' })
        .min(1, { error: 'give at least one operation' }),
      baseVersion: version('The version the patch applies to (default "latest").').optional(),
      confirm: confirm(),
      activate: activateArg(),
    },
    async run({ flowId: id, patch, baseVersion, confirm: yes, activate }, ctx) {
      const base = await versionOf(ctx.admin, id, baseVersion ?? 'latest');
      const patched = applyPatch(base.flow, patch as PatchOperation[]);
      if (patched.id !== id)
        throw badArgument(
          'patch',
          `the patch changes the flow id to "${String(patched.id)}": a patch keeps the id; save a copy with save_flow instead`,
        );
      const entry = await entryOf(ctx.admin, id);
      return saveFlow(ctx, patched, { confirm: yes, activate, expectedVersion: entry?.latestVersion, argument: 'patch' });
    },
  }),
  defineTool({
    name: 'activate_flow_version',
    collection: 'flows',
    title: 'Activate a flow version',
    description: 'Makes a saved version the one new journeys run (journeys in flight stay on theirs).',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    input: {
      flowId: flowId(),
      version: z
        .number({ error: 'give the version number to activate (list_flows lists them)' })
        .int()
        .positive({ error: 'give a version number, 1 or more' }),
      expectedActiveVersion: z
        .number({ error: 'give the active version you read' })
        .int()
        .optional()
        .describe('Optimistic concurrency: the active version you read.'),
    },
    async run({ flowId: id, version: v, expectedActiveVersion }, ctx) {
      await ctx.guardWrite();
      const { body, transactionId } = await ctx.admin.call<FlowEntry>('POST', `/flows/${encodeURIComponent(id)}/versions/${v}/activate`, {
        body: expectedActiveVersion !== undefined ? { expectedActiveVersion } : {},
      });
      return { ...body, transactionId };
    },
  }),
  defineTool({
    name: 'rollback_flow',
    collection: 'flows',
    title: 'Roll a flow back',
    description: 'Activates the version before the active one, or the version given.',
    write: true,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    input: {
      flowId: flowId(),
      version: z.number({ error: 'give the version number to go back to' }).int().positive().optional(),
    },
    async run({ flowId: id, version: v }, ctx) {
      await ctx.guardWrite();
      const { body, transactionId } = await ctx.admin.call<FlowEntry>('POST', `/flows/${encodeURIComponent(id)}/rollback`, {
        body: v !== undefined ? { version: v } : {},
      });
      return { ...body, transactionId };
    },
  }),
];
