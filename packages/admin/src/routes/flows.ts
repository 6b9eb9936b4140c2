import { Router, type Request, type Response } from 'express';
import { subflowCalls, validateFlow, type FlowProblem, type SubflowLookup } from '@waymark/core';
import { parseFlowJson } from '@waymark/core/internal';
import type { FlowEntry, FlowVersionRecord, JsonObject } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { AdminError, badRequest, conflict, notFound } from '../errors.js';
import { adminChangeEvent, type AdminChange } from '../lib/audit.js';
import { bodyText, jsonObjectBody, readText, takeMember } from '../lib/body.js';
import { callerOf } from '../lib/locals.js';
import { expectedNumber } from '../lib/preconditions.js';
import { etagOf, sendJson } from '../lib/respond.js';
import type { AdminContext } from '../options.js';

/* What the API answers for a flow id: the store's entry, with the latest version named. */
function entryView(entry: FlowEntry) {
  return { ...entry, latestVersion: entry.versions[entry.versions.length - 1] };
}

function latestOf(entry: FlowEntry | undefined): number | null {
  return entry ? (entry.versions[entry.versions.length - 1] ?? null) : null;
}

/** The flow document of a write, validated as start-up validates it: every problem, or the flow. */
interface Checked {
  flow: Record<string, unknown> | undefined;
  problems: FlowProblem[];
  expected: unknown;
}

/*
 * Core's own JSON reader (duplicate keys are problems, as `waymark validate` reports them), then
 * `expectedVersion` taken out: it says what the caller read and is not part of the flow.
 */
function readFlow(req: Request): Checked {
  const parsed = parseFlowJson(bodyText(req));
  const problems = parsed.ok ? [] : [...parsed.problems];
  const value = 'value' in parsed ? parsed.value : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (problems.length === 0)
      problems.push({
        code: 'ERR_FLOW_SCHEMA',
        pointer: '',
        message: 'the body must be a flow: a JSON object { id, version, description, start, nodes }',
      });
    return { flow: undefined, problems, expected: undefined };
  }
  const flow = value as Record<string, unknown>;
  const expected = takeMember(flow, 'expectedVersion');
  return { flow, problems, expected };
}

/**
 * The flow routes: list, read a version (or the active one), validate, create, save a new
 * version (compare-and-set), activate, roll back. Every change is validated exactly as
 * start-up validates a flow file (core's `validateFlow` with the engine's node types), and
 * leaves an `admin.change` audit event, made or refused.
 */
export function flowRoutes(ctx: AdminContext): Router {
  const router = Router();
  const { flows } = ctx.stores;
  const read = permit(ctx, 'read');
  const write = permit(ctx, 'write');
  const text = readText(ctx.bodyLimit);

  const audit = (res: Response, change: AdminChange) => ctx.audit.write(adminChangeEvent(callerOf(res), change, ctx.clock.now()));
  const refuse = (res: Response, change: Omit<AdminChange, 'outcome' | 'code'>, error: AdminError): never => {
    audit(res, { ...change, outcome: 'refused', code: error.code });
    throw error;
  };
  const entryOrThrow = async (id: string): Promise<FlowEntry> => {
    const entry = await flows.entry(id);
    if (!entry) throw notFound(`no flow "${id}": list the flows with GET /admin/v1/flows`);
    return entry;
  };

  router.get('/flows', read, async (_req, res) => {
    sendJson(res, 200, { flows: (await flows.list()).map(entryView) });
  });

  router.post('/flows/validate', read, text, async (req, res) => {
    const { flow, problems } = readFlow(req);
    const all = flow ? [...problems, ...((await validated(flow, ctx)) ?? [])] : problems;
    sendJson(res, 200, { valid: all.length === 0, problems: all });
  });

  router.get('/flows/:id', read, async (req, res) => {
    const entry = await entryOrThrow(req.params.id as string);
    sendJson(res, 200, entryView(entry), etagOf(latestOf(entry) ?? 0));
  });

  // `:version` is a number, or `active` / `latest`.
  router.get('/flows/:id/versions/:version', read, async (req, res) => {
    const id = req.params.id as string;
    const entry = await entryOrThrow(id);
    const asked = req.params.version as string;
    const version =
      asked === 'active'
        ? entry.activeVersion
        : asked === 'latest'
          ? latestOf(entry)!
          : /^\d{1,9}$/.test(asked)
            ? Number(asked)
            : undefined;
    if (version === undefined) throw badRequest('version', 'must be a version number, "active" or "latest"');
    const record = await flows.getVersion(id, version);
    if (!record) throw notFound(`flow "${id}" has no version ${version}: its versions are ${entry.versions.join(', ')}`);
    sendJson(res, 200, { ...record, active: record.version === entry.activeVersion }, etagOf(latestOf(entry) ?? 0));
  });

  /* Create (`POST /flows`, the id must be new) or a new version (`PUT /flows/:id`). */
  const save = (mode: 'create' | 'update') =>
    async function saveFlow(req: Request, res: Response) {
      const caller = callerOf(res);
      const { flow, problems, expected: expectedMember } = readFlow(req);
      const urlId = mode === 'update' ? (req.params.id as string) : undefined;
      const id = urlId ?? (typeof flow?.id === 'string' ? flow.id : undefined);
      const change = { action: `flow.${mode}`, target: `flow:${id ?? '?'}` };
      if (flow && urlId !== undefined && flow.id !== undefined && flow.id !== urlId)
        refuse(
          res,
          change,
          badRequest('id', `the body's id "${String(flow.id)}" is not the id in the path ("${urlId}"): they must be the same`),
        );
      if (flow && urlId !== undefined && flow.id === undefined) flow.id = urlId;
      const expected = expectedNumber(req, 'expectedVersion', expectedMember);
      const entry = id !== undefined ? await flows.entry(id) : undefined;
      if (mode === 'update' && !entry) refuse(res, change, notFound(`no flow "${id}": create it with POST /admin/v1/flows`));
      if (mode === 'create' && entry)
        refuse(
          res,
          change,
          conflict(`flow "${id}" exists already: save a new version with PUT /admin/v1/flows/${id}`, { latestVersion: latestOf(entry) }),
        );
      const latest = latestOf(entry);
      if (expected !== undefined && expected !== latest)
        refuse(
          res,
          change,
          conflict(`flow "${id}" is at version ${latest} now, not ${expected}: read it again and retry`, { latestVersion: latest }),
        );
      // A version left out is the next one; one given must come after the latest (versions are immutable).
      if (flow && flow.version === undefined) flow.version = (latest ?? 0) + 1;
      if (flow && latest !== null && typeof flow.version === 'number' && flow.version <= latest)
        refuse(
          res,
          change,
          conflict(
            `version ${flow.version} of flow "${id}" exists already (latest ${latest}): send version ${latest + 1}, or leave version out`,
            { latestVersion: latest },
          ),
        );
      const all = flow ? [...problems, ...((await validated(flow, ctx)) ?? [])] : problems;
      const target = `flow:${id ?? '?'}@${String(flow?.version ?? '?')}`;
      if (all.length > 0)
        refuse(
          res,
          { ...change, target },
          new AdminError(
            'ERR_ADMIN_FLOW_INVALID',
            `the flow is invalid (${all.length} problem${all.length === 1 ? '' : 's'}); nothing was saved: fix each problem at its pointer`,
            { problems: all },
          ),
        );
      const valid = flow as Record<string, unknown> & { id: string; version: number };
      const activate = req.query.activate !== 'false';
      const record: FlowVersionRecord = {
        id: valid.id,
        version: valid.version,
        flow: valid as JsonObject,
        savedAt: ctx.clock.now(),
        savedBy: caller.sub,
      };
      // Compare-and-set against what this request read (or what the caller read): of two concurrent saves one wins.
      if (!(await flows.saveVersion(record, expected ?? latest, { activate })))
        refuse(res, { ...change, target }, conflict(`flow "${valid.id}" was changed by another writer meanwhile: read it again and retry`));
      audit(res, { ...change, target, outcome: 'success' });
      const saved = await entryOrThrow(valid.id);
      res.setHeader('Location', `${req.baseUrl}/flows/${encodeURIComponent(valid.id)}/versions/${valid.version}`);
      sendJson(
        res,
        201,
        { ...entryView(saved), version: valid.version, active: saved.activeVersion === valid.version },
        etagOf(latestOf(saved) ?? 0),
      );
    };
  router.post('/flows', write, text, save('create'));
  router.put('/flows/:id', write, text, save('update'));

  /* Makes a version the active one: `activate` (any saved version) or `rollback` (the one before the active version, or `version`). */
  const activate = (action: 'activate' | 'rollback') =>
    async function activateFlow(req: Request, res: Response) {
      const id = req.params.id as string;
      const body = jsonObjectBody(req);
      const change = { action: `flow.${action}`, target: `flow:${id}` };
      const entry = await flows.entry(id);
      if (!entry) refuse(res, change, notFound(`no flow "${id}": list the flows with GET /admin/v1/flows`));
      const current = entry!.activeVersion;
      const expectedActive = body.expectedActiveVersion;
      if (expectedActive !== undefined && (typeof expectedActive !== 'number' || !Number.isSafeInteger(expectedActive)))
        refuse(res, change, badRequest('expectedActiveVersion', 'must be the active version you read, a whole number'));
      let version: number;
      if (action === 'activate') {
        const asked = req.params.version as string;
        if (!/^\d{1,9}$/.test(asked)) refuse(res, change, badRequest('version', 'must be a version number'));
        version = Number(asked);
      } else if (body.version !== undefined) {
        if (typeof body.version !== 'number' || !Number.isSafeInteger(body.version))
          refuse(res, change, badRequest('version', 'must be a version number'));
        version = body.version as number;
      } else {
        const earlier = entry!.versions.filter((v) => v < current);
        if (earlier.length === 0)
          refuse(res, change, conflict(`flow "${id}" has no version before the active one (${current}) to roll back to`));
        version = earlier[earlier.length - 1]!;
      }
      const target = `flow:${id}@${version}`;
      if (!entry!.versions.includes(version))
        refuse(
          res,
          { ...change, target },
          notFound(`flow "${id}" has no version ${version}: its versions are ${entry!.versions.join(', ')}`),
        );
      const ok = await flows.activate(id, version, callerOf(res).sub, ctx.clock.now(), (expectedActive as number | undefined) ?? current);
      if (!ok)
        refuse(
          res,
          { ...change, target },
          conflict(`the active version of flow "${id}" was changed by another writer meanwhile: read it again and retry`),
        );
      audit(res, { ...change, target, outcome: 'success' });
      const saved = await entryOrThrow(id);
      sendJson(res, 200, entryView(saved), etagOf(latestOf(saved) ?? 0));
    };
  router.post('/flows/:id/versions/:version/activate', write, text, activate('activate'));
  router.post('/flows/:id/rollback', write, text, activate('rollback'));
  return router;
}

/**
 * The problems `validateFlow` finds with the engine's node types (none: undefined), the
 * `flow.run` calls checked against the flow store as the engine will load them: each called
 * flow (its active version, or the pinned one) must be saved, and no call may lead back to
 * this flow (the flow as sent stands for its id).
 */
async function validated(flow: Record<string, unknown>, ctx: AdminContext): Promise<FlowProblem[] | undefined> {
  const result = validateFlow(flow, ctx.registry, { variables: ctx.variables, flows: await storeLookup(flow, ctx) });
  return result.ok ? undefined : result.problems;
}

/** The flows a flow calls, and the flows they call, read from the flow store (control-plane data: few and small). */
async function storeLookup(flow: Record<string, unknown>, ctx: AdminContext): Promise<SubflowLookup> {
  const store = ctx.stores.flows;
  const entries = new Map((await store.list()).map((entry) => [entry.id, entry]));
  const docs = new Map<string, unknown>();
  const key = (id: string, version: number | undefined) => `${id}@${version ?? 'active'}`;
  if (typeof flow.id === 'string') docs.set(key(flow.id, undefined), flow);
  const queue: unknown[] = [flow];
  for (let doc = queue.shift(); doc !== undefined; doc = queue.shift()) {
    for (const call of subflowCalls(doc)) {
      if (docs.has(key(call.flow, call.version))) continue;
      const entry = entries.get(call.flow);
      const version = call.version ?? entry?.activeVersion;
      const record = entry && version !== undefined ? await store.getVersion(call.flow, version) : undefined;
      docs.set(key(call.flow, call.version), record?.flow);
      if (record) queue.push(record.flow);
    }
  }
  return {
    get: (id, version) => docs.get(key(id, version)),
    ids: () => [...new Set([...entries.keys(), ...(typeof flow.id === 'string' ? [flow.id] : [])])],
  };
}
