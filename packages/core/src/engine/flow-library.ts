import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WaymarkError } from '@waymark/sdk';
import { CORE_ERRORS, FlowInvalidError } from '../errors.js';
import type { Flow } from '../flow.js';
import type { NodeRegistry } from '../registry.js';
import {
  ConfigInvalidError,
  validateFlow,
  VARIABLE_NAME,
  type ConfigProblem,
  type FlowVariables,
  type SubflowLookup,
} from '../validate/index.js';
import { compileFlow, type CompiledFlow } from './compile.js';

/** The engine's `variables` option, checked: names as `$var` takes them, values non-empty strings, numbers or booleans. */
function checkedVariables(variables: FlowVariables): FlowVariables {
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (!VARIABLE_NAME.test(name))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `/variables/${name}`,
        message: 'a variable name is a letter, then letters, digits, "_", "." or "-" (at most 64)',
      });
    else if (!(
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value !== '')
    ))
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `/variables/${name}`,
        message: 'must be a non-empty string, a finite number or a boolean',
      });
  }
  if (problems.length > 0) throw new ConfigInvalidError('engine options', problems);
  return Object.freeze({ ...variables });
}

/** Whether `load` makes the loaded version the one new journeys start on. */
export type LoadActivation = 'if-newer' | 'always' | 'never';

/**
 * The loaded flows of one engine: every version compiled once and kept (journeys stay pinned to
 * the version they started on), and the active version of each id (the one new journeys start
 * on: the latest loaded, unless a flow store or `activate` says otherwise).
 */
export class FlowLibrary {
  readonly #registry: NodeRegistry;
  readonly #variables: FlowVariables | undefined;
  readonly #flows = new Map<string, Map<number, CompiledFlow>>();
  readonly #active = new Map<string, CompiledFlow>();

  constructor(registry: NodeRegistry, variables?: FlowVariables) {
    this.#registry = registry;
    this.#variables = variables && checkedVariables(variables);
  }

  /** The variables node configs are resolved with (`{ "$var": name }`). */
  get variables(): FlowVariables | undefined {
    return this.#variables;
  }

  /**
   * Validates and compiles a flow (once per version). By default (`if-newer`) it becomes the
   * active version of its id when no higher one is active; `always` activates it, `never`
   * only keeps it for the journeys pinned to it. Throws FlowInvalidError (ERR_FLOW_INVALID)
   * with every problem. `batch`: flows being loaded together with this one (a directory, a
   * flow store sync), which its `flow.run` nodes may call before they are loaded themselves.
   */
  load(input: unknown, label?: string, activation: LoadActivation = 'if-newer', batch: readonly unknown[] = []): CompiledFlow {
    const result = validateFlow(input, this.#registry, { variables: this.#variables, flows: this.#lookup(batch) });
    if (!result.ok) {
      const id = (input as { id?: unknown } | null)?.id;
      throw new FlowInvalidError(label ?? (typeof id === 'string' ? id : 'flow'), result.problems);
    }
    const flow = result.flow as Flow;
    const compiled = compileFlow(flow, result.configs, (type) => this.#registry.get(type)!);
    let versions = this.#flows.get(flow.id);
    if (!versions) this.#flows.set(flow.id, (versions = new Map()));
    versions.set(flow.version, compiled);
    const active = this.#active.get(flow.id);
    if (activation === 'always' || (activation === 'if-newer' && (!active || active.version <= flow.version)))
      this.#active.set(flow.id, compiled);
    return compiled;
  }

  /** What `flow.run` nodes may call: the loaded flows, and the documents of the batch (the newest of an id when unpinned). */
  #lookup(batch: readonly unknown[]): SubflowLookup {
    const docs = batch.filter(
      (d): d is { id: string; version: number } =>
        d !== null && typeof d === 'object' && typeof (d as { id?: unknown }).id === 'string' && typeof (d as { version?: unknown }).version === 'number',
    );
    return {
      get: (id, version) => {
        let found: { id: string; version: number } | undefined;
        for (const d of docs) if (d.id === id && (version === undefined ? !found || d.version > found.version : d.version === version)) found = d;
        return found ?? this.get(id, version)?.flow;
      },
      ids: () => [...new Set([...this.ids(), ...docs.map((d) => d.id)])],
    };
  }

  /** Makes a compiled version the active one; false when that version is not compiled here. */
  activate(id: string, version: number): boolean {
    const compiled = this.#flows.get(id)?.get(version);
    if (!compiled) return false;
    this.#active.set(id, compiled);
    return true;
  }

  /** Loads every `*.json` in a directory; reports all invalid files at once. */
  loadDirectory(dir: string): CompiledFlow[] {
    const loaded: CompiledFlow[] = [];
    const problems: string[] = [];
    const files: { path: string; doc: unknown }[] = [];
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      try {
        files.push({ path: join(dir, file), doc: JSON.parse(readFileSync(join(dir, file), 'utf8')) });
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    // The whole folder is one batch: a flow may call (flow.run) one whose file sorts after it.
    const batch = files.map((f) => f.doc);
    for (const { path, doc } of files) {
      try {
        loaded.push(this.load(doc, path, 'if-newer', batch));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length > 0) throw new WaymarkError(CORE_ERRORS.ERR_FLOW_INVALID, problems.join('\n'), { dir });
    return loaded;
  }

  /** A loaded flow: the active version, or the one asked for. */
  get(id: string, version?: number): CompiledFlow | undefined {
    return version === undefined ? this.#active.get(id) : this.#flows.get(id)?.get(version);
  }

  /** The ids of the loaded flows. */
  ids(): string[] {
    return [...this.#active.keys()];
  }
}
