/**
 * @waymark/testing — harnesses for node authors and flow tests.
 */
export { runNode, testClock } from './run-node.js';
export type { RunNodeOptions, RunNodeResult, TestClock } from './run-node.js';
