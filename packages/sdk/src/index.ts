/**
 * @waymark/sdk — what a node author needs, and nothing more.
 */
export { defineNode, typeNamespace, NODE_API_VERSION, IMPLICIT_OUTCOMES } from './define-node.js';
export type { NodeDefinition, NodeType, NodeConfigProblem, Plugin } from './define-node.js';
export { WaymarkError, SDK_ERRORS } from './errors.js';
export { callbacks, inputValue, outputValue } from './callbacks.js';
export { normalizeIp, parseIp, samePrefix, parseCidr, inCidr, canonicalIp } from './ip.js';
export { STEP_UP_STATE } from './step-up.js';
export type { IpAddress, CidrBlock } from './ip.js';
export type { AttributeOptions, Callback, CallbackField, CallbackType } from './callbacks.js';
export type {
  Clock,
  Logger,
  Services,
  RequestInfo,
  PushedInfo,
  ClientInfo,
  CookieOptions,
  CookieEffect,
  Effects,
  JourneyInfo,
  SuspendOptions,
  Suspension,
  OutcomeWithReason,
  NodeResult,
  NodeContext,
} from './context.js';
export type { JsonPrimitive, JsonValue, JsonObject, JsonSchema, FromSchema } from './json-schema.js';
export type {
  PushedRequest,
  PushedRequestStore,
  StoredJourney,
  JourneyStore,
  Session,
  SessionStore,
  Transaction,
  TransactionStore,
  CounterStore,
  KeyValueStore,
  Stores,
} from './stores.js';
export type { UserRecord, NewUser, UserUpdate, UserStore } from './user-store.js';
export { normaliseUsername } from './user-store.js';
export type {
  FlowVersionRecord,
  FlowEntry,
  FlowStore,
  ClientRecord,
  ClientStore,
  AuditEventType,
  AuditEvent,
  AuditSink,
  AuditQuery,
  AuditPage,
  AuditStore,
  JourneyTraceStep,
  JourneyRecord,
  JourneyQuery,
  JourneyPage,
  JourneyLogStore,
  ControlStores,
} from './control-stores.js';
export { AUDIT_EVENT_TYPES } from './control-stores.js';
export type { RateLimitSpec, RateLimitDecision, RateLimiter, RateLimiterFactory } from './rate-limit.js';
