import { WaymarkError } from '@waymark/sdk';
import { TESTING_ERRORS } from './errors.js';

/** The test functions the harnesses declare tests with: jest's, vitest's, node:test's, or your own. */
export interface TestFunctions {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void | Promise<void>): void;
}

/** The hooks a suite with per-test set-up needs (`storeConformance`). */
export interface HookFunctions {
  beforeEach(body: () => void | Promise<void>): void;
  afterEach(body: () => void | Promise<void>): void;
}

/**
 * What a caller may pass: the functions by name, or the whole `@jest/globals` (or `vitest`)
 * import; anything else it holds (`expect`…) is not needed. Left out: the runner's globals.
 */
export type TestRunner = Partial<TestFunctions & HookFunctions> & { expect?: unknown };

/**
 * The named test functions, from `given` first, else from the globals (jest, and vitest with
 * `globals: true`): ESLint's RuleTester takes the same approach. Throws ERR_TESTING_RUNNER
 * naming what is missing and how to pass it.
 */
export function testFunctions<K extends keyof (TestFunctions & HookFunctions)>(
  given: TestRunner | undefined,
  names: readonly K[],
  usage: string,
): Pick<TestFunctions & HookFunctions, K> {
  const globals = globalThis as Partial<TestFunctions & HookFunctions>;
  const found: Partial<TestFunctions & HookFunctions> = {};
  const missing: string[] = [];
  for (const name of names) {
    const fn = given?.[name] ?? globals[name];
    if (typeof fn === 'function') Object.assign(found, { [name]: fn });
    else missing.push(name);
  }
  if (missing.length > 0)
    throw new WaymarkError(
      TESTING_ERRORS.ERR_TESTING_RUNNER,
      `${usage.slice(0, usage.indexOf('('))}: no ${missing.join('/')} found: pass them, e.g. ${usage} with the functions of your test runner`,
      { missing },
    );
  return found as Pick<TestFunctions & HookFunctions, K>;
}
