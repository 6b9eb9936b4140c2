import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadClientRecord, type Engine } from '@waymark/core';
import type { Client, ClientRegistry } from '@waymark/express';
import { WaymarkError, type Clock, type Logger } from '@waymark/sdk';
import type { ControlPlane } from './control-plane.js';
import { applyFlowFile, flowFilePaths, readFlowFile, type FlowFileOutcome } from './flow-files.js';

/** The defaults of live reload, each with its reason. */
export const LIVE_DEFAULTS = {
  /**
   * How often the store revisions are compared when no change notification came: the fallback
   * behind pub/sub (a dropped connection loses messages). Half of the 1 s budget, so a change
   * is served within a second even when a notification is lost.
   */
  pollMs: 500,
  /** Edits settle this long before a flow file is read (an editor writes a file in several steps). */
  debounceMs: 100,
} as const;

export interface LiveControlOptions {
  engine: Engine;
  /** The adapter's clients (`router.clients`), replaced whole on every client change. */
  clients: ClientRegistry;
  control: ControlPlane;
  /** The config's `flows` entries (absolute): what `reloadFiles` reads and development mode watches. */
  flowPaths: readonly string[];
  logger: Logger;
  clock: Clock;
  /** Watch the flow files and pick up edits (development mode). SIGHUP calls `reloadFiles` in any mode. */
  watchFiles: boolean;
  pollMs?: number;
  debounceMs?: number;
  /**
   * Puts the config's clients and the flow files into the stores again. Called when a store's
   * revision goes back (a Redis restarted without persistence lost the control plane), before
   * the empty store would be served as "no clients".
   */
  reseed?: () => Promise<void>;
}

/**
 * Keeps a running server's flows and clients equal to the control-plane stores: a change made
 * by any process (the admin API, a flow file) is served here within a second. Push first (the
 * stores' `subscribe`: Redis pub/sub, or at once in memory), with a poll of the stores'
 * revisions as the fallback. A stored flow that does not validate here, or a stored client
 * that does not, is refused with its problems logged, and the version running before keeps
 * serving.
 */
export class LiveControl {
  readonly #options: LiveControlOptions;
  readonly #pollMs: number;
  readonly #debounceMs: number;
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  readonly #watchers: FSWatcher[] = [];
  readonly #flows = new Serial();
  readonly #clients = new Serial();
  #flowRevision: number | undefined;
  #clientRevision: number | undefined;
  #poll: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: LiveControlOptions) {
    this.#options = options;
    this.#pollMs = options.pollMs ?? LIVE_DEFAULTS.pollMs;
    this.#debounceMs = options.debounceMs ?? LIVE_DEFAULTS.debounceMs;
  }

  /** Loads what the stores hold now, then follows their changes (and the flow files in development mode). */
  async start(): Promise<void> {
    const { control, logger } = this.#options;
    for (const [store, sync] of [
      [control.flows, () => this.syncFlows()],
      [control.clients, () => this.syncClients()],
    ] as const) {
      if (!store.subscribe) continue;
      try {
        this.#unsubscribe.push(await store.subscribe(() => void sync()));
      } catch (error) {
        logger.warn('live reload: no change notification, polling only', {
          code: (error as WaymarkError).code,
          reason: (error as Error).message,
        });
      }
    }
    await Promise.all([this.syncFlows(), this.syncClients()]);
    this.#poll = setInterval(() => void this.#check(), this.#pollMs);
    this.#poll.unref();
    if (this.#options.watchFiles) this.#watch();
  }

  /** Makes the engine serve the flow store's active versions now (serialised; a call while one runs runs once more after it). */
  syncFlows(): Promise<void> {
    return this.#flows.run(async () => {
      const { engine, logger } = this.#options;
      try {
        const revision = await this.#revision('flows', this.#flowRevision);
        const report = await engine.syncFlows();
        for (const { id, version } of report.activated) logger.info('flow activated', { flow: `${id}@${version}` });
        for (const { id, version, error } of report.refused)
          logger.warn('flow refused: the running version keeps serving', {
            flow: `${id}@${version}`,
            code: error.code,
            reason: error.message,
            ...error.details,
          });
        this.#flowRevision = revision;
      } catch (error) {
        logger.warn('live reload: flows not reloaded, trying again', {
          code: (error as WaymarkError).code,
          reason: (error as Error).message,
        });
      }
    });
  }

  /** Makes the adapter's clients the client store's enabled ones now. */
  syncClients(): Promise<void> {
    return this.#clients.run(async () => {
      const { control, clients, logger } = this.#options;
      try {
        const revision = await this.#revision('clients', this.#clientRevision);
        const next: Client[] = [];
        for (const record of await control.clients.list()) {
          if (!record.enabled) continue;
          try {
            const client = loadClientRecord(record);
            if (client.enabled) next.push(client);
          } catch (error) {
            const running = clients.get(String(record.config.client_id));
            if (running) next.push(running);
            logger.warn('client refused: the running version keeps serving', {
              client_id: record.config.client_id,
              code: (error as WaymarkError).code,
              reason: (error as Error).message,
            });
          }
        }
        clients.replace(next);
        this.#clientRevision = revision;
      } catch (error) {
        logger.warn('live reload: clients not reloaded, trying again', {
          code: (error as WaymarkError).code,
          reason: (error as Error).message,
        });
      }
    });
  }

  /**
   * Reads the flow files again (SIGHUP; a file edited in development mode) and brings each
   * valid one into the flow store, which makes it live. A file that fails validation is
   * refused (ERR_FLOW_INVALID, every problem with its JSON pointer, in the log) and the
   * running version keeps serving.
   */
  async reloadFiles(): Promise<(FlowFileOutcome | { action: 'invalid'; file: string; error: WaymarkError })[]> {
    const { engine, control, logger, clock } = this.#options;
    const outcomes: (FlowFileOutcome | { action: 'invalid'; file: string; error: WaymarkError })[] = [];
    for (const path of flowFilePaths(this.#options.flowPaths)) {
      const file = await readFlowFile(path, engine.registry, engine.variables);
      if (file instanceof WaymarkError) {
        logger.warn('flow file refused: the running version keeps serving', {
          file: path,
          code: file.code,
          reason: file.message,
          ...file.details,
        });
        outcomes.push({ action: 'invalid', file: path, error: file });
        continue;
      }
      try {
        const outcome = await applyFlowFile(control.flows, file, clock.now());
        if (outcome.action === 'refused')
          logger.warn('flow file refused: the running version keeps serving', {
            file: path,
            code: outcome.error.code,
            reason: outcome.error.message,
          });
        else if (outcome.action !== 'unchanged')
          logger.info(`flow file ${outcome.action}`, { file: path, flow: `${outcome.id}@${outcome.version}` });
        outcomes.push(outcome);
      } catch (error) {
        logger.warn('flow file not applied', { file: path, code: (error as WaymarkError).code, reason: (error as Error).message });
      }
    }
    await this.syncFlows();
    return outcomes;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    clearTimeout(this.#debounce);
    for (const watcher of this.#watchers) watcher.close();
    await Promise.all(this.#unsubscribe.map((unsubscribe) => unsubscribe().catch(() => undefined)));
    await Promise.all([this.#flows.idle(), this.#clients.idle()]);
  }

  /** A store's revision; when it went back below the one loaded, the store lost its data: seed it again first. */
  async #revision(store: 'flows' | 'clients', loaded: number | undefined): Promise<number> {
    const { control, logger, reseed } = this.#options;
    const revision = await control[store].revision();
    if (loaded === undefined || revision >= loaded || !reseed) return revision;
    logger.warn(
      'live reload: the control-plane store lost its data (its revision went back); seeding it again from the config and the flow files',
      {
        store,
        revision,
        loaded,
      },
    );
    await reseed();
    return control[store].revision();
  }

  /** The poll: one revision read per store; a sync only when it moved. */
  async #check(): Promise<void> {
    const { control } = this.#options;
    try {
      const [flows, clients] = await Promise.all([control.flows.revision(), control.clients.revision()]);
      if (this.#closed) return;
      if (flows !== this.#flowRevision) void this.syncFlows();
      if (clients !== this.#clientRevision) void this.syncClients();
    } catch {
      // The store is down: the next tick tries again (the adapter answers 503 meanwhile).
    }
  }

  /** Watches the folders of the flow files (a folder, not a file: editors replace a file by renaming a new one over it). */
  #watch(): void {
    const folders = new Map<string, Set<string> | 'all'>();
    for (const path of this.#options.flowPaths) {
      let directory: boolean;
      try {
        directory = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (directory) folders.set(path, 'all');
      else {
        const names = folders.get(dirname(path));
        if (names !== 'all') folders.set(dirname(path), new Set([...(names ?? []), basename(path)]));
      }
    }
    for (const [folder, names] of folders) {
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          const file = typeof name === 'string' ? name : '';
          if (!file.endsWith('.json') || (names !== 'all' && !names.has(file))) return;
          clearTimeout(this.#debounce);
          this.#debounce = setTimeout(() => void this.reloadFiles(), this.#debounceMs);
          this.#debounce.unref();
        });
        watcher.on('error', () => undefined);
        this.#watchers.push(watcher);
      } catch (error) {
        this.#options.logger.warn('flow files not watched', { folder, reason: (error as Error).message });
      }
    }
  }
}

/** Runs one task at a time; a request while one runs makes exactly one more run after it. */
class Serial {
  #running: Promise<void> | undefined;
  #again = false;
  #task: (() => Promise<void>) | undefined;

  run(task: () => Promise<void>): Promise<void> {
    this.#task = task;
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#task!();
      } while (this.#again);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }
}
