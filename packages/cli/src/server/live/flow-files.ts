import { readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FlowInvalidError, validateFlowJson, type FlowVariables, type NodeRegistry } from '@waymark/core';
import type { FlowStore, JsonObject, WaymarkError } from '@waymark/sdk';
import { CliError } from '../../errors.js';
import type { FlowFile } from './file-flow-store.js';

/*
 * Flow files on disk → the flow store. The file's `version` is the version: a file with a new
 * version is saved (and activated); a file holding a version the store has, with the same
 * content, activates it (a file rolled back in git rolls the flow back); the same version with
 * other content is refused (versions are immutable: journeys in flight are pinned to them),
 * and so is a version below the latest that the store never had.
 */

/** The flow files a config's `flows` names: every `*.json` directly in a folder (as the start-up loader reads them), and files by name. */
export function flowFilePaths(entries: readonly string[]): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    let directory: boolean;
    try {
      directory = statSync(entry).isDirectory();
    } catch {
      continue;
    }
    if (!directory) files.push(entry);
    else
      for (const name of readdirSync(entry)
        .filter((f) => f.endsWith('.json'))
        .sort())
        files.push(join(entry, name));
  }
  return files;
}

/** A flow file read and validated against the engine's node types: the flow, or ERR_FLOW_INVALID with every problem (a JSON pointer each). */
export async function readFlowFile(path: string, registry: NodeRegistry, variables?: FlowVariables): Promise<FlowFile | WaymarkError> {
  let text: string;
  let savedAt: number;
  try {
    [text, savedAt] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => Math.trunc(s.mtimeMs))]);
  } catch (error) {
    return new FlowInvalidError(path, [
      { code: 'ERR_FLOW_SCHEMA', pointer: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  // The JSON text, so a syntax error gets its line and column and a duplicate key is caught.
  const result = validateFlowJson(text, registry, path, { variables });
  if (!result.ok) return new FlowInvalidError(path, result.problems);
  const flow = JSON.parse(text) as unknown;
  return { path, flow: flow as FlowFile['flow'], savedAt };
}

/** What applying one flow file did. */
export type FlowFileOutcome =
  | { action: 'saved' | 'activated' | 'unchanged'; id: string; version: number }
  | { action: 'refused'; id: string; version: number; error: WaymarkError };

/**
 * Brings one valid flow file into the store (see the module comment for the rules). A lost
 * compare-and-set (another process applied the same file first) is decided again from a fresh
 * read.
 */
export async function applyFlowFile(store: FlowStore, file: FlowFile, at: number): Promise<FlowFileOutcome> {
  const { id, version } = file.flow;
  const by = `file:${file.path}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const entry = await store.entry(id);
    if (!entry) {
      if (await store.saveVersion({ id, version, flow: file.flow as JsonObject, savedAt: at, savedBy: by }, null))
        return { action: 'saved', id, version };
      continue;
    }
    const latest = entry.versions[entry.versions.length - 1]!;
    if (entry.versions.includes(version)) {
      const stored = await store.getVersion(id, version);
      if (stored && !isDeepStrictEqual(stored.flow, file.flow))
        return {
          action: 'refused',
          id,
          version,
          error: new CliError(
            'ERR_SERVE_FLOW_VERSION_EXISTS',
            `${file.path}: flow "${id}" version ${version} is already saved with other content, and versions never change (journeys in flight are pinned to them); set "version" to ${latest + 1} to publish this one`,
            { id, version, file: file.path, pointer: '/version' },
          ),
        };
      if (entry.activeVersion === version) return { action: 'unchanged', id, version };
      if (await store.activate(id, version, by, at, entry.activeVersion)) return { action: 'activated', id, version };
      continue;
    }
    if (version < latest)
      return {
        action: 'refused',
        id,
        version,
        error: new CliError(
          'ERR_SERVE_FLOW_VERSION_STALE',
          `${file.path}: flow "${id}" version ${version} is below the latest saved version ${latest}, and the store never had it; set "version" to ${latest + 1}`,
          { id, version, file: file.path, pointer: '/version' },
        ),
      };
    if (await store.saveVersion({ id, version, flow: file.flow as JsonObject, savedAt: at, savedBy: by }, latest))
      return { action: 'saved', id, version };
  }
  return { action: 'unchanged', id, version };
}
