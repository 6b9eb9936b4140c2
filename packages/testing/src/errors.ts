/** Every code `@waymark/testing` raises. A published code is never reused. Config refusals keep the engine's ERR_FLOW_CONFIG. */
export const TESTING_ERRORS = {
  /** `runFlow`: the journey and the script disagree; the message names the node and what it asked. */
  ERR_TESTING_SCRIPT: 'ERR_TESTING_SCRIPT',
  /** `answerCallbacks`: the number of answers does not match the callbacks that take input. */
  ERR_TESTING_ANSWER: 'ERR_TESTING_ANSWER',
  /** A suite or table was declared without the test functions it needs: pass them (`{ describe, it, … }`) or run with the runner's globals. */
  ERR_TESTING_RUNNER: 'ERR_TESTING_RUNNER',
  /** `testNodeConfigs`: the table has no case, so it would silently test nothing. */
  ERR_TESTING_CASES: 'ERR_TESTING_CASES',
} as const;

export type TestingErrorCode = keyof typeof TESTING_ERRORS;
