import type { CallbackType } from './callbacks.js';
import type { NodeContext, NodeResult } from './context.js';
import { WaymarkError } from './errors.js';
import type { FromSchema, JsonSchema } from './json-schema.js';

/** Bumped only on a breaking change of the node contract; plugins record what they were built for. */
export const NODE_API_VERSION = 1;

/** Outcomes every node may wire without declaring them. */
export const IMPLICIT_OUTCOMES = ['error', 'timeout'] as const;

export interface NodeDefinition<S extends JsonSchema, O extends string> {
  /** Namespaced type name: `ip.match`, `acme.geofence`. */
  type: string;
  /** Positive integer; a flow may pin it. */
  version: number;
  description: string;
  /** JSON Schema of the node's config (draft 2020-12); defaults are applied at flow load. */
  config?: S;
  /** The closed list of outcomes, or a function of the (validated) config. */
  outcomes: readonly O[] | ((config: FromSchema<S>) => readonly string[]);
  /** Per-node timeout in ms; overrides the engine default. */
  timeoutMs?: number;
  /**
   * True when the node may run in the push phase: at the PAR endpoint, before any browser has
   * come (the engine's `push`). Only for a node that needs nothing of the browser (no cookie,
   * no browser IP, no user to answer: it never suspends) and judges what was pushed, such as
   * `token.validate`. Default false: a node runs only once the browser is there, so a
   * third-party node never runs early by accident.
   */
  pushPhase?: boolean;
  /** The callbacks the node may suspend with (catalogs and editors list them). Default: none declared. */
  callbacks?: readonly CallbackType[];
  /**
   * The secret namespace the node shares, when it is not the one of its type (text before the
   * last dot): `user.create` reads the password `credentials.password` collected. Built-in
   * types only: the plugin loader refuses a plugin type that names another namespace.
   */
  secretNamespace?: string;
  /**
   * Checks what the config schema cannot express (an expression's syntax, a path's segments),
   * at flow load, once the schema has passed: returns the problems, none when the config is
   * good. Each names its place relative to the config (`/rules/0/when`), what is wrong and the
   * fix. Runs once per flow version, never per request.
   */
  check?(config: FromSchema<S>): readonly NodeConfigProblem[];
  run(ctx: NodeContext, config: FromSchema<S>): NodeResult | Promise<NodeResult>;
}

/** A problem a node type's `check` finds in a config that passed its schema. */
export interface NodeConfigProblem {
  /** RFC 6901 pointer relative to the node's config: `/rules/0/when`. */
  pointer: string;
  /** What is wrong and how to fix it. */
  message: string;
  /** A stable code of the node's package (`ERR_EXPRESSION`); default the flow's `ERR_FLOW_CONFIG`. */
  code?: string;
}

/** A node type as the engine holds it. */
export interface NodeType<C = unknown> {
  readonly type: string;
  readonly version: number;
  readonly description: string;
  readonly config: JsonSchema;
  readonly outcomes: readonly string[] | ((config: C) => readonly string[]);
  readonly timeoutMs: number | undefined;
  /** May run in the push phase (see `NodeDefinition.pushPhase`); false unless the definition says so. */
  readonly pushPhase: boolean;
  /** The callbacks it may suspend with, as declared (see `NodeDefinition.callbacks`). */
  readonly callbacks?: readonly CallbackType[];
  /** The secret namespace, when the definition names one (see `NodeDefinition.secretNamespace`). */
  readonly secretNamespace?: string;
  /** Checks beyond the schema at flow load (see `NodeDefinition.check`); a method, so `NodeType<C>` stays a `NodeType<unknown>`. */
  check?(config: C): readonly NodeConfigProblem[];
  readonly apiVersion: number;
  run(ctx: NodeContext, config: C): NodeResult | Promise<NodeResult>;
}

// Built-in types may be one word (`redirect`, `decision`); plugin types must be namespaced
// (`acme.geofence`), which the plugin loader enforces.
const TYPE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
const OUTCOME_NAME = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const EMPTY_CONFIG = { type: 'object', additionalProperties: false, properties: {} } as const;

function fail(field: string, message: string): never {
  throw new WaymarkError('ERR_NODE_DEFINITION', `defineNode: ${message}`, { field });
}

/**
 * Declares a node type. Malformed definitions throw `ERR_NODE_DEFINITION` at once, naming the
 * field and the fix. The config type is inferred from the schema: declare it `as const`.
 *
 * @example
 * export const ipMatch = defineNode({
 *   type: 'ip.match', version: 1,
 *   description: 'Compares the pushed IP to the browser IP.',
 *   config: { type: 'object', properties: { prefix: { type: 'integer', default: 0 } } } as const,
 *   outcomes: ['match', 'mismatch'],
 *   run(ctx) { return ctx.par?.ip === ctx.ip ? 'match' : 'mismatch'; },
 * });
 */
export function defineNode<const S extends JsonSchema, const O extends string>(
  definition: NodeDefinition<S, O>,
): NodeType<FromSchema<S>> {
  if (definition === null || typeof definition !== 'object') fail('definition', 'pass an object { type, version, description, config, outcomes, run }');
  const { type, version, description, config, outcomes, run, timeoutMs, pushPhase, callbacks, secretNamespace, check } = definition;
  if (typeof type !== 'string' || !TYPE_NAME.test(type))
    fail('type', `"type" must be a lower-case name, namespaced with dots such as "acme.geofence" (got ${JSON.stringify(type)})`);
  if (!Number.isInteger(version) || version < 1) fail('version', `"version" of ${type} must be a positive integer`);
  if (typeof description !== 'string' || description.trim() === '') fail('description', `"description" of ${type} must say in a sentence what the node does`);
  if (config !== undefined && (config === null || (typeof config !== 'object' && typeof config !== 'boolean')))
    fail('config', `"config" of ${type} must be a JSON Schema object`);
  if (typeof run !== 'function') fail('run', `"run" of ${type} must be a function (ctx, config) => outcome`);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) fail('timeoutMs', `"timeoutMs" of ${type} must be a positive integer of milliseconds`);
  if (pushPhase !== undefined && typeof pushPhase !== 'boolean') fail('pushPhase', `"pushPhase" of ${type} must be true or false (true: the node may run at the PAR endpoint, before the browser)`);
  if (callbacks !== undefined && (!Array.isArray(callbacks) || !callbacks.every((c) => typeof c === 'string' && c.endsWith('Callback'))))
    fail('callbacks', `"callbacks" of ${type} must list callback type names such as ["NameCallback", "PasswordCallback"]`);
  if (secretNamespace !== undefined && (typeof secretNamespace !== 'string' || !TYPE_NAME.test(secretNamespace)))
    fail('secretNamespace', `"secretNamespace" of ${type} must be a namespace name such as "credentials"`);
  if (check !== undefined && typeof check !== 'function') fail('check', `"check" of ${type} must be a function (config) => problems`);
  if (typeof outcomes !== 'function') {
    if (!Array.isArray(outcomes) || outcomes.length === 0) fail('outcomes', `"outcomes" of ${type} must be a non-empty array of names, or a function of the config`);
    const seen = new Set<string>();
    for (const o of outcomes) {
      if (typeof o !== 'string' || !OUTCOME_NAME.test(o)) fail('outcomes', `outcome ${JSON.stringify(o)} of ${type} must be a name like "match"`);
      if (seen.has(o)) fail('outcomes', `outcome "${o}" of ${type} is declared twice`);
      seen.add(o);
    }
  }
  return Object.freeze({
    type,
    version,
    description,
    config: config ?? EMPTY_CONFIG,
    outcomes: typeof outcomes === 'function' ? outcomes : Object.freeze([...outcomes]),
    timeoutMs,
    pushPhase: pushPhase ?? false,
    ...(callbacks !== undefined ? { callbacks: Object.freeze([...callbacks]) } : {}),
    ...(secretNamespace !== undefined ? { secretNamespace } : {}),
    ...(check !== undefined ? { check: check as NodeType<FromSchema<S>>['check'] } : {}),
    apiVersion: NODE_API_VERSION,
    run: run as NodeType<FromSchema<S>>['run'],
  }) as NodeType<FromSchema<S>>;
}

/** The secret namespace of a node type: text before its last dot. */
export function typeNamespace(type: string): string {
  const i = type.lastIndexOf('.');
  return i === -1 ? type : type.slice(0, i);
}

/** What a plugin package exports. */
export interface Plugin {
  nodes: readonly NodeType<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- config types vary per node
}
