import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { ClientRecord, JsonObject } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { AdminError, badRequest, conflict, notFound } from '../errors.js';
import { adminChangeEvent, type AdminChange } from '../lib/audit.js';
import { jsonObjectBody, readText, takeMember } from '../lib/body.js';
import { callerOf } from '../lib/locals.js';
import { expectedNumber } from '../lib/preconditions.js';
import { etagOf, sendJson } from '../lib/respond.js';
import type { AdminContext, ClientProblem } from '../options.js';

/** The token endpoint auth methods that authenticate with `client_secret`. */
const SECRET_METHODS: ReadonlySet<unknown> = new Set(['client_secret_basic', 'client_secret_post']);

/**
 * A client as the API answers it: the configuration without `client_secret` (write-only: it is
 * never answered, listed or logged), and whether one is set and since when.
 */
function clientView(record: ClientRecord) {
  const { client_secret: _never, ...config } = record.config as JsonObject & { client_secret?: unknown };
  return {
    client_id: config.client_id,
    config,
    enabled: record.enabled,
    has_secret: record.secret !== undefined,
    ...(record.secret !== undefined && record.secretSetAt !== undefined ? { secret_set_at: record.secretSetAt } : {}),
    revision: record.revision,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}

/**
 * The client routes: list, read, create, replace, enable, disable, delete, rotate the secret.
 * Every configuration is checked exactly as start-up checks it (the adapter's client schema and
 * rules, through `validateClient`), and every flow it allows must be in the flow store, as
 * start-up asks of the flow files. Changes are compare-and-set on the record's revision.
 */
export function clientRoutes(ctx: AdminContext): Router {
  const router = Router();
  const { clients, flows } = ctx.stores;
  const read = permit(ctx, 'read');
  const write = permit(ctx, 'write');
  const text = readText(ctx.bodyLimit);

  const audit = (res: Response, change: AdminChange) => ctx.audit.write(adminChangeEvent(callerOf(res), change, ctx.clock.now()));
  const refuse = (res: Response, change: Omit<AdminChange, 'outcome' | 'code'>, error: AdminError): never => {
    audit(res, { ...change, outcome: 'refused', code: error.code });
    throw error;
  };
  const recordOrThrow = async (id: string): Promise<ClientRecord> => {
    const record = await clients.get(id);
    if (!record) throw notFound(`no client "${id}": list the clients with GET /admin/v1/clients`);
    return record;
  };

  /* Start-up's check, then start-up's cross-check: every allowed flow exists. */
  const problemsOf = async (config: Record<string, unknown>): Promise<readonly ClientProblem[]> => {
    const problems = ctx.validateClient(config);
    if (problems.length > 0 || !Array.isArray(config.allowed_flows)) return problems;
    const known = new Set((await flows.list()).map((f) => f.id));
    return (config.allowed_flows as unknown[]).flatMap((flow, i) =>
      known.has(flow as string)
        ? []
        : [
            {
              pointer: `/allowed_flows/${i}`,
              message: `the flow "${String(flow)}" is not in the flow store: save it first (POST /admin/v1/flows) or fix allowed_flows`,
            },
          ],
    );
  };
  const invalid = (problems: readonly ClientProblem[]) =>
    new AdminError(
      'ERR_ADMIN_CLIENT_INVALID',
      `the client is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was saved: fix each field named`,
      {
        problems: problems.map((p) => ({ code: 'ERR_CLIENT_CONFIG', pointer: p.pointer, message: p.message })),
      },
    );

  /* Stores a record compare-and-set, audits it and answers the view. */
  const store = async (
    res: Response,
    change: Omit<AdminChange, 'outcome' | 'code'>,
    id: string,
    record: Omit<ClientRecord, 'revision'>,
    expected: number | null,
    status: number,
  ) => {
    const revision = await clients.put(id, record, expected);
    if (revision === false)
      refuse(res, change, conflict(`client "${id}" was changed by another writer meanwhile: read it again and retry`));
    audit(res, { ...change, outcome: 'success' });
    const view = clientView({ ...record, revision: revision as number });
    sendJson(res, status, view, etagOf(revision as number));
  };

  router.get('/clients', read, async (_req, res) => {
    sendJson(res, 200, { clients: (await clients.list()).map(clientView) });
  });

  router.get('/clients/:id', read, async (req, res) => {
    const record = await recordOrThrow(req.params.id as string);
    sendJson(res, 200, clientView(record), etagOf(record.revision));
  });

  /* Create (`POST /clients`) or replace (`PUT /clients/:id`): the whole configuration. */
  const save = (mode: 'create' | 'update') =>
    async function saveClient(req: Request, res: Response) {
      const body = jsonObjectBody(req);
      const expectedMember = takeMember(body, 'expectedRevision');
      const urlId = mode === 'update' ? (req.params.id as string) : undefined;
      const id = urlId ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
      const change = { action: `client.${mode}`, target: `client:${id ?? '?'}` };
      if (urlId !== undefined && body.client_id !== undefined && body.client_id !== urlId)
        refuse(res, change, badRequest('client_id', `the body's client_id is not the id in the path ("${urlId}"): they must be the same`));
      if (urlId !== undefined) body.client_id = urlId;
      const expected = expectedNumber(req, 'expectedRevision', expectedMember);
      const current = id !== undefined ? await clients.get(id) : undefined;
      if (mode === 'update' && !current) refuse(res, change, notFound(`no client "${id}": create it with POST /admin/v1/clients`));
      if (mode === 'create' && current)
        refuse(res, change, conflict(`client "${id}" exists already: replace it with PUT /admin/v1/clients/${id}`));
      if (expected !== undefined && current && expected !== current.revision)
        refuse(
          res,
          change,
          conflict(`client "${id}" is at revision ${current.revision} now, not ${expected}: read it again and retry`, {
            revision: current.revision,
          }),
        );
      // A replacement without client_secret keeps the secret it has (write-only: the caller never saw it), while the method still uses one.
      const newSecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
      const keptSecret =
        newSecret === undefined && current?.secret !== undefined && SECRET_METHODS.has(body.token_endpoint_auth_method)
          ? current.secret
          : undefined;
      const checked = keptSecret !== undefined ? { ...body, client_secret: keptSecret } : body;
      const problems = await problemsOf(checked);
      if (problems.length > 0) refuse(res, change, invalid(problems));
      const { client_secret: _secret, ...config } = body;
      const now = ctx.clock.now();
      const secret = newSecret ?? keptSecret;
      const record: Omit<ClientRecord, 'revision'> = {
        config: config as JsonObject,
        ...(secret !== undefined ? { secret, secretSetAt: newSecret !== undefined ? now : (current?.secretSetAt ?? now) } : {}),
        enabled: current?.enabled ?? true,
        updatedAt: now,
        updatedBy: callerOf(res).sub,
      };
      if (mode === 'create') res.setHeader('Location', `${req.baseUrl}/clients/${encodeURIComponent(id!)}`);
      await store(res, change, id!, record, current ? (expected ?? current.revision) : null, mode === 'create' ? 201 : 200);
    };
  router.post('/clients', write, text, save('create'));
  router.put('/clients/:id', write, text, save('update'));

  const setEnabled = (enabled: boolean) =>
    async function enableClient(req: Request, res: Response) {
      const id = req.params.id as string;
      const change = { action: enabled ? 'client.enable' : 'client.disable', target: `client:${id}` };
      const body = jsonObjectBody(req);
      const current = await clients.get(id);
      if (!current) refuse(res, change, notFound(`no client "${id}": list the clients with GET /admin/v1/clients`));
      const expected = expectedNumber(req, 'expectedRevision', body.expectedRevision);
      if (expected !== undefined && expected !== current!.revision)
        refuse(
          res,
          change,
          conflict(`client "${id}" is at revision ${current!.revision} now, not ${expected}: read it again and retry`, {
            revision: current!.revision,
          }),
        );
      const { revision: _r, ...rest } = current!;
      await store(
        res,
        change,
        id,
        { ...rest, enabled, updatedAt: ctx.clock.now(), updatedBy: callerOf(res).sub },
        expected ?? current!.revision,
        200,
      );
    };
  router.post('/clients/:id/enable', write, text, setEnabled(true));
  router.post('/clients/:id/disable', write, text, setEnabled(false));

  router.delete('/clients/:id', write, text, async (req, res) => {
    const id = req.params.id as string;
    const change = { action: 'client.delete', target: `client:${id}` };
    const current = await clients.get(id);
    if (!current) refuse(res, change, notFound(`no client "${id}": list the clients with GET /admin/v1/clients`));
    const expected = expectedNumber(req, 'expectedRevision', jsonObjectBody(req).expectedRevision);
    if (!(await clients.delete(id, expected ?? current!.revision)))
      refuse(res, change, conflict(`client "${id}" was changed by another writer meanwhile: read it again and retry`));
    audit(res, { ...change, outcome: 'success' });
    res.setHeader('Cache-Control', 'no-store');
    res.status(204).end();
  });

  /*
   * Rotates the secret: an empty body generates one (32 random bytes, base64url) and answers it
   * this once; `{ "client_secret": "…" }` sets the one given and answers nothing of it.
   */
  router.post('/clients/:id/secret', write, text, async (req, res) => {
    const id = req.params.id as string;
    const change = { action: 'client.rotate_secret', target: `client:${id}` };
    const body = jsonObjectBody(req);
    const expectedMember = takeMember(body, 'expectedRevision');
    const current = await clients.get(id);
    if (!current) refuse(res, change, notFound(`no client "${id}": list the clients with GET /admin/v1/clients`));
    const expected = expectedNumber(req, 'expectedRevision', expectedMember);
    if (expected !== undefined && expected !== current!.revision)
      refuse(
        res,
        change,
        conflict(`client "${id}" is at revision ${current!.revision} now, not ${expected}: read it again and retry`, {
          revision: current!.revision,
        }),
      );
    const unknown = Object.keys(body).filter((k) => k !== 'client_secret');
    if (unknown.length > 0)
      refuse(
        res,
        change,
        badRequest(unknown[0]!, 'is not a member of a rotation: send {} to generate a secret, or { "client_secret": "…" }'),
      );
    if (!SECRET_METHODS.has(current!.config.token_endpoint_auth_method))
      refuse(
        res,
        change,
        badRequest(
          'token_endpoint_auth_method',
          `client "${id}" does not authenticate with a secret: only client_secret_basic and client_secret_post clients have one`,
        ),
      );
    const generated = body.client_secret === undefined ? randomBytes(32).toString('base64url') : undefined;
    const secret = generated ?? body.client_secret;
    const problems = ctx.validateClient({ ...current!.config, client_secret: secret });
    if (problems.length > 0) refuse(res, change, invalid(problems));
    const now = ctx.clock.now();
    const { revision: _r, ...rest } = current!;
    const record = { ...rest, secret: secret as string, secretSetAt: now, updatedAt: now, updatedBy: callerOf(res).sub };
    const revision = await clients.put(id, record, expected ?? current!.revision);
    if (revision === false)
      refuse(res, change, conflict(`client "${id}" was changed by another writer meanwhile: read it again and retry`));
    audit(res, { ...change, outcome: 'success' });
    // The generated secret is answered this once, never again (no-store: no cache keeps it).
    sendJson(
      res,
      200,
      { ...clientView({ ...record, revision: revision as number }), ...(generated !== undefined ? { client_secret: generated } : {}) },
      etagOf(revision as number),
    );
  });
  return router;
}
