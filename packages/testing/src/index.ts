/**
 * @waymark/testing — harnesses for node authors, flow tests and store authors: `runNode` runs
 * one node, `testNodeConfigs` tables a node's valid and invalid configs (RuleTester style),
 * `runFlow` plays a whole journey from a script of answers, `storeConformance` proves a store
 * implementation against the contracts (`auditStoreConformance` and `journeyLogConformance` the
 * audit trail and the journey log), `testClock` is the manual clock they all inject.
 */
export { runNode } from './run-node.js';
export type { RunNodeOptions, RunNodeResult } from './run-node.js';
export { testClock } from './test-clock.js';
export type { TestClock } from './test-clock.js';
export { answerCallbacks } from './answer.js';
export type { AnswerValue } from './answer.js';
export { testNodeConfigs } from './test-node-configs.js';
export type { NodeConfigCases, InvalidConfigCase } from './test-node-configs.js';
export type { TestFunctions, HookFunctions, TestRunner } from './test-runner.js';
export { runFlow } from './run-flow.js';
export type { RunFlowOptions, RunFlowResult, ScriptStep, TestRequest } from './run-flow.js';
export { storeConformance } from './store-conformance.js';
export type { ConformanceSubject } from './store-conformance.js';
export { auditStoreConformance, journeyLogConformance } from './audit-conformance.js';
export type { ControlStoreBounds, ControlConformanceSubject } from './audit-conformance.js';
export { TESTING_ERRORS } from './errors.js';
export type { TestingErrorCode } from './errors.js';
export { flowStoreConformance, clientStoreConformance } from './control-store-conformance.js';
export type { ControlStoreSubject } from './control-store-conformance.js';
export { userStoreConformance } from './user-store-conformance.js';
