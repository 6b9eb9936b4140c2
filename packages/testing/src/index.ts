/**
 * @waymark/testing — harnesses for node authors and flow tests: `runNode` runs one node,
 * `testNodeConfigs` tables a node's valid and invalid configs (RuleTester style), `runFlow`
 * plays a whole journey from a script of answers.
 */
export { runNode, testClock } from './run-node.js';
export type { RunNodeOptions, RunNodeResult, TestClock } from './run-node.js';
export { answerCallbacks } from './answer.js';
export type { AnswerValue } from './answer.js';
export { testNodeConfigs } from './test-node-configs.js';
export type { NodeConfigCases, InvalidConfigCase, TestFunctions, TestRunner } from './test-node-configs.js';
export { runFlow } from './run-flow.js';
export type { RunFlowOptions, RunFlowResult, ScriptStep, TestRequest } from './run-flow.js';
