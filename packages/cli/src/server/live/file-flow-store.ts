import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MemoryFlowStore } from '@waymark/core';
import { CliError } from '../../errors.js';
import { type FlowEntry, type FlowStore, type FlowVersionRecord, type JsonObject } from '@waymark/sdk';

/*
 * The embedded default flow store of `waymark serve`: the flows are files a person reviews.
 *
 *   <folder>/<id>.json                     the ACTIVE version of the flow (what new journeys start on)
 *   <folder>/.versions/<id>/<n>.json       every saved version n, as saved (immutable)
 *   <folder>/.versions/<id>/history.json   who saved each version and when, which one is active
 *
 * <folder> is the folder of the flow's own file when it came from disk (a flow keeps its file,
 * whatever its name), else the config's first flows folder. Every write is atomic (a temporary
 * file, then rename), so a reader (a person, `git diff`, the file watcher) never sees half a
 * file. `.versions` is a dot folder: the flow folder scanners (`waymark validate <dir>`,
 * `serve`'s loader) read only the files directly in a folder. State is in memory (one process);
 * the files are written before a change is committed there, so what a reader sees on disk is
 * never behind what the process serves.
 */

/** Flow ids become file names: the flow schema's kebab-case, nothing else. */
const SAFE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A flow file as a person reads it: two-space indentation and a final newline. */
export function formatFlow(flow: JsonObject): string {
  return `${JSON.stringify(flow, null, 2)}\n`;
}

/** Writes a file atomically: a temporary file beside it (not `*.json`, so no watcher picks it up), then rename. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

interface History {
  activeVersion: number;
  updatedAt: number;
  updatedBy: string;
  versions: { version: number; savedAt: number; savedBy: string }[];
}

/** A flow read from disk, to seed the store with. */
export interface FlowFile {
  path: string;
  flow: JsonObject & { id: string; version: number };
  savedAt: number;
}

export class FileFlowStore implements FlowStore {
  readonly #memory = new MemoryFlowStore();
  /** The file of each flow's active version. */
  readonly #files = new Map<string, string>();
  readonly #home: string;
  /* Writes run one at a time: check, write the files, then commit in memory. */
  #queue: Promise<unknown> = Promise.resolve();

  /** `home`: the folder a flow that has no file yet is written to (the config's first flows folder). */
  constructor(home: string) {
    this.#home = home;
  }

  /** The file that holds a flow's active version (`<folder>/<id>.json`). */
  fileOf(id: string): string {
    return this.#files.get(id) ?? join(this.#home, `${id}.json`);
  }

  #versionsDir(id: string): string {
    return join(dirname(this.fileOf(id)), '.versions', id);
  }

  /**
   * Seeds the store from disk without writing anything: the given flow files (a file's flow is
   * the active version of its id; with several files of one id, the highest version) and every
   * version kept under `.versions/<id>/` beside them.
   */
  async seed(files: readonly FlowFile[]): Promise<void> {
    const byId = new Map<string, FlowFile[]>();
    for (const file of files) {
      if (!SAFE_ID.test(file.flow.id)) continue;
      byId.set(file.flow.id, [...(byId.get(file.flow.id) ?? []), file]);
    }
    for (const [id, sources] of byId) {
      const active = sources.reduce((a, b) => (b.flow.version > a.flow.version ? b : a));
      this.#files.set(id, active.path);
      const dir = this.#versionsDir(id);
      const history = (await readJson(join(dir, 'history.json'))) as History | undefined;
      const meta = new Map((history?.versions ?? []).map((v) => [v.version, v]));
      const records = new Map<number, FlowVersionRecord>();
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const match = /^(\d+)\.json$/.exec(name);
        if (!match) continue;
        const flow = (await readJson(join(dir, name))) as JsonObject | undefined;
        const version = Number(match[1]);
        if (!flow || flow.id !== id || flow.version !== version) continue;
        const saved = meta.get(version);
        const savedAt = saved?.savedAt ?? (await stat(join(dir, name))).mtimeMs;
        records.set(version, { id, version, flow, savedAt: Math.trunc(savedAt), savedBy: saved?.savedBy ?? `file:${join(dir, name)}` });
      }
      // The reviewed files win over a copy under .versions.
      for (const source of sources)
        records.set(source.flow.version, {
          id,
          version: source.flow.version,
          flow: source.flow,
          savedAt: source.savedAt,
          savedBy: `file:${source.path}`,
        });
      let latest: number | null = null;
      for (const record of [...records.values()].sort((a, b) => a.version - b.version)) {
        await this.#memory.saveVersion(record, latest, { activate: false });
        latest = record.version;
      }
      await this.#memory.activate(
        id,
        active.flow.version,
        history?.updatedBy ?? `file:${active.path}`,
        history?.updatedAt ?? active.savedAt,
      );
    }
  }

  list(): Promise<FlowEntry[]> {
    return this.#memory.list();
  }
  entry(id: string): Promise<FlowEntry | undefined> {
    return this.#memory.entry(id);
  }
  getVersion(id: string, version: number): Promise<FlowVersionRecord | undefined> {
    return this.#memory.getVersion(id, version);
  }

  saveVersion(record: FlowVersionRecord, expectedLatest: number | null, options: { activate?: boolean } = {}): Promise<boolean> {
    return this.#serial(async () => {
      if (!SAFE_ID.test(record.id))
        throw new CliError(
          'ERR_SERVE_FLOW_ID',
          `flow id "${record.id}" cannot be a file name; use kebab-case (a-z, 0-9, -) as the flow schema asks`,
          { id: record.id },
        );
      const entry = await this.#memory.entry(record.id);
      const latest = entry ? entry.versions[entry.versions.length - 1]! : null;
      if (latest !== expectedLatest || (latest !== null && record.version <= latest)) return false;
      const activate = options.activate ?? true;
      const activeVersion = activate || !entry ? record.version : entry.activeVersion;
      await writeFileAtomic(join(this.#versionsDir(record.id), `${record.version}.json`), formatFlow(record.flow));
      const versions = [...(entry?.versions ?? []), record.version];
      await this.#writeHistory(record.id, versions, activeVersion, record.savedAt, record.savedBy, record);
      if (activeVersion === record.version) await this.#writeActive(record.id, record.flow);
      return this.#memory.saveVersion(record, expectedLatest, options);
    });
  }

  activate(id: string, version: number, by: string, at: number, expectedActive?: number): Promise<boolean> {
    return this.#serial(async () => {
      const entry = await this.#memory.entry(id);
      const record = await this.#memory.getVersion(id, version);
      if (!entry || !record) return false;
      if (expectedActive !== undefined && entry.activeVersion !== expectedActive) return false;
      await this.#writeHistory(id, entry.versions, version, at, by);
      await this.#writeActive(id, record.flow);
      return this.#memory.activate(id, version, by, at, expectedActive);
    });
  }

  revision(): Promise<number> {
    return this.#memory.revision();
  }
  subscribe(listener: () => void): Promise<() => Promise<void>> {
    return this.#memory.subscribe(listener);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** `<id>.json`, unless it already holds this flow (a file edited on disk and picked up keeps its formatting). */
  async #writeActive(id: string, flow: JsonObject): Promise<void> {
    const file = this.fileOf(id);
    if (isDeepStrictEqual(await readJson(file), flow)) return;
    await writeFileAtomic(file, formatFlow(flow));
    this.#files.set(id, file);
  }

  async #writeHistory(
    id: string,
    versions: number[],
    activeVersion: number,
    at: number,
    by: string,
    added?: FlowVersionRecord,
  ): Promise<void> {
    const records = await Promise.all(versions.filter((v) => v !== added?.version).map((v) => this.#memory.getVersion(id, v)));
    const history: History = {
      activeVersion,
      updatedAt: at,
      updatedBy: by,
      versions: [...records.filter((r): r is FlowVersionRecord => r !== undefined), ...(added ? [added] : [])].map((r) => ({
        version: r.version,
        savedAt: r.savedAt,
        savedBy: r.savedBy,
      })),
    };
    await writeFileAtomic(join(this.#versionsDir(id), 'history.json'), `${JSON.stringify(history, null, 2)}\n`);
  }
}
