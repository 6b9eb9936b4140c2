import { Router } from 'express';
import type { NodeType } from '@waymark/sdk';
import { IMPLICIT_OUTCOMES } from '@waymark/sdk';
import { permit } from '../auth/permit.js';
import { notFound } from '../errors.js';
import { sendJson } from '../lib/respond.js';
import type { AdminContext } from '../options.js';

/** One entry of the node type catalog. */
function describe(node: NodeType<unknown>, ctx: AdminContext) {
  const source = ctx.registry.sourceOf(node.type) ?? 'inline';
  const inline = source === 'inline' || source === 'builtin';
  const pkg = inline ? ctx.inlineNodesPackage : { name: source, version: ctx.registry.versionOf(node.type) };
  return {
    type: node.type,
    version: node.version,
    description: node.description,
    config: node.config,
    // A function of the config cannot be listed: such a type's outcomes show in a flow's validation.
    outcomes: typeof node.outcomes === 'function' ? null : [...node.outcomes],
    outcomesDependOnConfig: typeof node.outcomes === 'function',
    implicitOutcomes: [...IMPLICIT_OUTCOMES],
    callbacks: [...(node.callbacks ?? [])],
    pushPhase: node.pushPhase,
    package: pkg?.name ?? source,
    packageVersion: pkg?.version ?? null,
  };
}

/** The node type catalog: what a flow may use, with each type's config schema, outcomes, callbacks and package. */
export function nodeTypeRoutes(ctx: AdminContext): Router {
  const router = Router();
  const read = permit(ctx, 'read');
  router.get('/node-types', read, (_req, res) => {
    const types = ctx.registry.list().sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    sendJson(res, 200, { nodeTypes: types.map((t) => describe(t, ctx)) });
  });
  router.get('/node-types/:type', read, (req, res) => {
    const node = ctx.registry.get(req.params.type as string);
    if (!node) throw notFound(`no node type "${req.params.type as string}": list them with GET /admin/v1/node-types`);
    sendJson(res, 200, describe(node, ctx));
  });
  return router;
}
