import { WaymarkError } from '@waymark/sdk';
import type { FlowProblem } from '../flow.js';
import { createAjv } from './ajv.js';
import { ajvProblems } from './ajv-problems.js';

/** One problem in a configuration: the same shape as a flow problem (code, JSON pointer, fix). */
export type ConfigProblem = FlowProblem;

/**
 * Thrown when a configuration does not match its schema. Every configuration in Waymark (the
 * serve config, the Redis setting, clients, policies, the provider options) fails with this one
 * shape: code `ERR_CONFIG_INVALID`, `details.problems` (each with a pointer and the fix) and
 * `details.key` (the pointer of the first problem, for one-line answers).
 */
export class ConfigInvalidError extends WaymarkError {
  readonly problems: readonly ConfigProblem[];
  constructor(subject: string, problems: ConfigProblem[]) {
    const first = problems[0];
    super(
      'ERR_CONFIG_INVALID',
      problems.length === 1 && first !== undefined
        ? `${subject}: ${first.pointer || '/'}: ${first.message}`
        : `${subject} is invalid (${problems.length} problems):\n` + problems.map((p) => `  ${p.pointer || '/'}: ${p.message}`).join('\n'),
      { key: first?.pointer ?? '', problems },
    );
    this.problems = problems;
  }
}

/** A compiled configuration schema: compile once at start-up, check as often as needed. */
export interface ConfigSchema<T> {
  /** Every problem at once; `[]` when the value is valid. Fills in the schema's defaults. */
  problems(value: unknown, base?: string): ConfigProblem[];
  /** The value typed as `T`, defaults filled in, or a {@link ConfigInvalidError}. */
  assert(value: unknown): T;
}

/**
 * Compiles a JSON Schema (draft 2020-12) for a configuration with core's validator, so that
 * every configuration error in Waymark has the same shape and wording as a flow problem.
 *
 * @example
 * const clients = compileConfigSchema<ClientConfig[]>(clientsSchema, 'clients');
 * const list = clients.assert(JSON.parse(text)); // throws ERR_CONFIG_INVALID naming the pointer
 */
export function compileConfigSchema<T>(schema: object, subject: string): ConfigSchema<T> {
  const validate = createAjv().compile(schema);
  const problems = (value: unknown, base = ''): ConfigProblem[] =>
    validate(value) ? [] : ajvProblems(validate.errors, 'ERR_CONFIG_INVALID', base);
  return {
    problems,
    assert(value: unknown): T {
      const found = problems(value);
      if (found.length > 0) throw new ConfigInvalidError(subject, found);
      return value as T;
    },
  };
}
