import { WaymarkError, type NodeType } from '@waymark/sdk';
import { FLOW_PROBLEM_CODES } from '@waymark/core';
import { compileNodeConfig } from '@waymark/core/internal';
import { TESTING_ERRORS } from './errors.js';
import { testFunctions, type TestRunner } from './test-runner.js';

/** One config a flow must not be able to load, and what the error must say. */
export interface InvalidConfigCase {
  config: unknown;
  /** JSON pointer of the offending place, relative to the config (`/hours/0`, `''` for the whole). */
  pointer?: string;
  /** A text or pattern one problem's message must match. */
  message?: string | RegExp;
  /** Test name; default: the config as JSON. */
  name?: string;
}

export interface NodeConfigCases {
  /** Configs a flow may hold: each must validate. */
  valid: readonly unknown[];
  invalid: readonly InvalidConfigCase[];
}

interface ConfigProblem {
  pointer: string;
  message: string;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The problems of a refused config, their messages without the `<type>: ` prefix a flow load adds. */
function problemsOf(error: unknown, type: string): ConfigProblem[] | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== FLOW_PROBLEM_CODES.ERR_FLOW_CONFIG) return undefined;
  const problems = (error as { details?: { problems?: unknown } }).details?.problems;
  if (!Array.isArray(problems)) return [];
  return (problems as ConfigProblem[]).map((p) => ({
    pointer: p.pointer,
    message: p.message.startsWith(`${type}: `) ? p.message.slice(type.length + 2) : p.message,
  }));
}

/**
 * Declares one test per config case, the way ESLint's RuleTester does for rule options: each
 * `valid` config must pass the node's schema (the same compiled validator a flow load uses),
 * each `invalid` one must be refused with `ERR_FLOW_CONFIG`, at `pointer` and with `message`
 * when given. Test functions come from the third argument, else from the globals of the
 * runner (jest and vitest with globals); the package itself depends on no test runner.
 *
 * @example
 * import { describe, it } from '@jest/globals';
 * testNodeConfigs(workingHours, {
 *   valid: [{}, { timezone: 'Europe/Paris', opens: '08:30' }],
 *   invalid: [{ config: { opens: '8h' }, pointer: '/opens', message: /does not match/ }],
 * }, { describe, it });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any node type, whatever its config
export function testNodeConfigs(node: NodeType<any>, cases: NodeConfigCases, runner?: TestRunner): void {
  const { describe, it } = testFunctions(runner, ['describe', 'it'], 'testNodeConfigs(node, cases, { describe, it })');
  if (cases.valid.length + cases.invalid.length === 0)
    throw new WaymarkError(TESTING_ERRORS.ERR_TESTING_CASES, `testNodeConfigs(${node.type}): give at least one valid or invalid config`, {
      type: node.type,
    });
  describe(`${node.type} config`, () => {
    for (const config of cases.valid) {
      it(`accepts ${show(config)}`, () => {
        try {
          compileNodeConfig(node, config);
        } catch (error) {
          const problems = problemsOf(error, node.type);
          if (!problems) throw error;
          throw new Error(
            `${node.type}: expected ${show(config)} to be a valid config, got:\n${problems.map((p) => `  ${p.pointer || '/'} ${p.message}`).join('\n')}`,
          );
        }
      });
    }
    for (const invalid of cases.invalid) {
      const where = invalid.pointer === undefined ? '' : ` at ${invalid.pointer || '/'}`;
      it(invalid.name ?? `rejects ${show(invalid.config)}${where}`, () => {
        let problems: ConfigProblem[] | undefined;
        try {
          compileNodeConfig(node, invalid.config);
        } catch (error) {
          problems = problemsOf(error, node.type);
          if (!problems) throw error;
        }
        if (problems === undefined)
          throw new Error(`${node.type}: expected ${show(invalid.config)} to be refused, but the schema accepts it`);
        const listed = problems.map((p) => `  ${p.pointer || '/'} ${p.message}`).join('\n');
        const matching = problems.filter(
          (p) =>
            (invalid.pointer === undefined || p.pointer === invalid.pointer) &&
            (invalid.message === undefined ||
              (typeof invalid.message === 'string' ? p.message.includes(invalid.message) : invalid.message.test(p.message))),
        );
        if (matching.length === 0) {
          const wanted = [
            invalid.pointer === undefined ? '' : `at ${invalid.pointer || '/'}`,
            invalid.message === undefined ? '' : `matching ${String(invalid.message)}`,
          ]
            .filter(Boolean)
            .join(' ');
          throw new Error(`${node.type}: expected a problem ${wanted} for ${show(invalid.config)}, got:\n${listed}`);
        }
      });
    }
  });
}
