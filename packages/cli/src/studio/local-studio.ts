import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { validateFlowJson, type FlowVariables, type NodeRegistry } from '@waymark/core';
import { IMPLICIT_OUTCOMES, type NodeType } from '@waymark/sdk';
import { createStudioHandler } from '@waymark/studio';
import { formatFlow, writeFileAtomic } from '../server/live/index.js';

/*
 * `waymark studio <folder>`: the studio over one folder of flow files, with no Waymark server,
 * no sign-in and no journeys. A loopback-only server answers the part of the admin API the page
 * edits with (same paths and shapes: /admin/v1/flows, versions/latest, validate, PUT, POST,
 * node-types), reading and writing `<folder>/<id>.json` and validating every flow with
 * @waymark/core exactly as `waymark validate` does. A file is the one version there is: a save
 * rewrites it (with `version` bumped), git keeps the history.
 *
 * Two guards, since any web page the person visits could otherwise reach a loopback port:
 * every API request must carry `X-Waymark-Studio` (a header a cross-site form cannot send, and
 * no CORS preflight is ever answered), and the `Host` must be this server's own loopback name
 * (a rebound DNS name is refused).
 */

export interface LocalStudioOptions {
  /** The folder of flow files. */
  folder: string;
  registry: NodeRegistry;
  /** Default 4321; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Loopback only: the API has no sign-in. */
  host?: string;
  /** The flow variables (`{ "$var": name }`) flows are validated with, as `waymark validate --var`; default none. */
  variables?: FlowVariables;
}

export interface LocalStudio {
  /** `http://127.0.0.1:<port>/studio/`: open it in a browser. */
  url: string;
  close(): Promise<void>;
}

const SAFE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function problemOf(code: string, status: number, description: string, extra: Record<string, unknown> = {}) {
  return { status, body: { error: status === 404 ? 'not_found' : 'invalid_request', error_description: description, code, ...extra } };
}

/** The flows of the folder: the `*.json` files directly in it that hold a flow object (`nodes`). */
async function readFlows(folder: string): Promise<Map<string, { file: string; flow: Record<string, unknown> }>> {
  const flows = new Map<string, { file: string; flow: Record<string, unknown> }>();
  for (const name of (await readdir(folder)).sort()) {
    if (!name.endsWith('.json')) continue;
    try {
      const flow = JSON.parse(await readFile(join(folder, name), 'utf8')) as Record<string, unknown>;
      if (flow && typeof flow === 'object' && typeof flow.id === 'string' && typeof flow.nodes === 'object') flows.set(flow.id, { file: join(folder, name), flow });
    } catch {
      /* not a flow file: `waymark validate` reports it */
    }
  }
  return flows;
}

function describeType(node: NodeType<unknown>) {
  return {
    type: node.type,
    version: node.version,
    description: node.description,
    config: node.config,
    outcomes: typeof node.outcomes === 'function' ? null : [...node.outcomes],
    outcomesDependOnConfig: typeof node.outcomes === 'function',
    implicitOutcomes: [...IMPLICIT_OUTCOMES],
    callbacks: [...(node.callbacks ?? [])],
    pushPhase: node.pushPhase,
  };
}

/** Starts the local studio on loopback; resolves once it listens. */
export async function startLocalStudio(options: LocalStudioOptions): Promise<LocalStudio> {
  const folder = resolve(options.folder);
  const host = options.host ?? '127.0.0.1';
  const registry = options.registry;
  const app = express();
  app.disable('x-powered-by');
  let port = 0;
  const api = express.Router();
  api.use((req: Request, res: Response, next: NextFunction) => {
    const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    if (!allowed.includes(req.headers.host ?? '')) return void res.status(403).json(problemOf('ERR_STUDIO_HOST', 403, `Host must be one of ${allowed.join(', ')}`).body);
    if (req.headers['x-waymark-studio'] !== '1')
      return void res.status(403).json(problemOf('ERR_STUDIO_HEADER', 403, 'X-Waymark-Studio: 1 is required (the studio page sends it)').body);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(express.text({ type: () => true, limit: '256kb' }));
  const validate = (text: string) => validateFlowJson(text, registry, undefined, { variables: options.variables });
  api.get('/flows', async (_req, res) => {
    const flows = await readFlows(folder);
    res.json({
      flows: [...flows.values()].map(({ flow }) => ({ id: flow.id, versions: [flow.version], activeVersion: flow.version, latestVersion: flow.version })),
    });
  });
  api.get('/flows/:id/versions/:version', async (req, res) => {
    const found = (await readFlows(folder)).get(req.params.id as string);
    if (!found) return void res.status(404).json(problemOf('ERR_ADMIN_NOT_FOUND', 404, `no flow "${req.params.id as string}" in ${folder}`).body);
    res.json({ id: found.flow.id, version: found.flow.version, flow: found.flow, active: true });
  });
  api.post('/flows/validate', (req, res) => {
    const result = validate(String(req.body ?? ''));
    res.json({ valid: result.ok, problems: result.ok ? [] : result.problems });
  });
  const save = (mode: 'create' | 'update') => async (req: Request, res: Response) => {
    const text = String(req.body ?? '');
    const result = validate(text);
    if (!result.ok)
      return void res
        .status(400)
        .json(problemOf('ERR_ADMIN_FLOW_INVALID', 400, `the flow is invalid (${result.problems.length}); nothing was written`, { problems: result.problems }).body);
    const flow = JSON.parse(text) as Record<string, unknown> & { id: string };
    if (!SAFE_ID.test(flow.id)) return void res.status(400).json(problemOf('ERR_ADMIN_BAD_REQUEST', 400, 'id must be kebab-case, such as "my-flow"').body);
    const existing = (await readFlows(folder)).get(flow.id);
    if (mode === 'update' && (!existing || req.params.id !== flow.id))
      return void res.status(404).json(problemOf('ERR_ADMIN_NOT_FOUND', 404, `no flow "${req.params.id as string}" in ${folder}`).body);
    if (mode === 'create' && existing) return void res.status(409).json(problemOf('ERR_ADMIN_CONFLICT', 409, `flow "${flow.id}" exists already`).body);
    // The file a flow came from keeps its name; a new flow is <id>.json.
    await writeFileAtomic(existing?.file ?? join(folder, `${flow.id}.json`), formatFlow(flow as never));
    res.status(mode === 'create' ? 201 : 200).json({ id: flow.id, versions: [flow.version], activeVersion: flow.version, latestVersion: flow.version });
  };
  api.post('/flows', save('create'));
  api.put('/flows/:id', save('update'));
  api.get('/node-types', (_req, res) => {
    res.json({ nodeTypes: registry.list().sort((a, b) => (a.type < b.type ? -1 : 1)).map(describeType) });
  });
  api.use((_req, res) => void res.status(404).json(problemOf('ERR_ADMIN_NOT_FOUND', 404, 'not available offline: journeys, funnels and activation need `waymark serve`').body));
  app.use('/admin/v1', api);
  app.use('/studio', createStudioHandler({ config: { mode: 'local', adminApi: '/admin/v1', folder } }));
  app.get('/', (_req, res) => res.redirect(308, '/studio/'));
  const server: Server = await new Promise((done, fail) => {
    const s = app.listen(options.port ?? 4321, host, () => done(s));
    s.once('error', fail);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/studio/`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
