import type { Engine } from '@waymark/core';
import type { WaymarkRouter } from '@waymark/express';
import type { Clock, Logger } from '@waymark/sdk';
import type { ResolvedServerConfig } from '../config.js';
import type { ServerStores } from '../stores.js';
import { createControlPlane, seedClients, type ControlPlane } from './control-plane.js';
import { FileFlowStore } from './file-flow-store.js';
import { applyFlowFile, flowFilePaths, readFlowFile } from './flow-files.js';
import { LiveControl } from './live-control.js';

/*
 * The hooks `startServer` calls for live flows and clients (kept here so that start-server.ts
 * stays a short list of steps): `liveControlPlane` before the engine is built (the engine
 * reads pinned flow versions from the flow store), `startLive` once the router exists.
 */

export { LiveControl, LIVE_DEFAULTS } from './live-control.js';
export type { LiveControlOptions } from './live-control.js';
export { FileFlowStore, formatFlow, writeFileAtomic } from './file-flow-store.js';
export { createControlPlane, seedClients, firstFlowsFolder, CONFIG_AUTHOR } from './control-plane.js';
export type { ControlPlane } from './control-plane.js';
export { applyFlowFile, flowFilePaths, readFlowFile } from './flow-files.js';
export type { FlowFileOutcome } from './flow-files.js';

/**
 * Development mode: flow files edited on disk are picked up without a restart. The config's
 * `mode` when it has one, else `NODE_ENV` not `production`.
 */
export function isDevelopment(config: object, env: Readonly<Record<string, string | undefined>>): boolean {
  const mode = (config as { mode?: unknown }).mode;
  if (mode === 'development') return true;
  if (mode === 'production') return false;
  return env.NODE_ENV !== 'production';
}

/** The control plane a configuration asks for: Redis with the Redis stores, else flow files and memory clients. */
export function liveControlPlane(config: ResolvedServerConfig, stores: ServerStores): ControlPlane {
  return createControlPlane(config, stores.redis);
}

export interface StartLiveOptions {
  config: ResolvedServerConfig;
  engine: Engine;
  router: WaymarkRouter;
  control: ControlPlane;
  logger: Logger;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  /** Default LIVE_DEFAULTS.pollMs. */
  pollMs?: number;
}

/**
 * Seeds the control plane from the flow files (already validated: start-up loaded them) and
 * the config's clients, makes the stores' content what the engine and the adapter serve, and
 * follows their changes.
 */
export async function startLive(options: StartLiveOptions): Promise<LiveControl> {
  const { config, engine, router, control, logger, clock, env } = options;
  const seed = async (first: boolean) => {
    const files = [];
    for (const path of flowFilePaths(config.flows)) {
      const file = await readFlowFile(path, engine.registry, engine.variables);
      if (!(file instanceof Error)) files.push(file);
    }
    if (first && control.flows instanceof FileFlowStore) await control.flows.seed(files);
    for (const file of files) {
      const outcome = await applyFlowFile(control.flows, file, clock.now());
      if (outcome.action === 'refused')
        logger.warn('flow file refused: the stored version keeps serving', {
          file: file.path,
          code: outcome.error.code,
          reason: outcome.error.message,
        });
    }
    await seedClients(control.clients, config.clients, clock.now());
  };
  await seed(true);
  const live = new LiveControl({
    engine,
    clients: router.clients,
    control,
    flowPaths: config.flows,
    logger,
    clock,
    watchFiles: isDevelopment(config, env),
    reseed: () => seed(false),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  await live.start();
  return live;
}
