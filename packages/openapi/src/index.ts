/**
 * @waymark/openapi — the OpenAPI 3.1 reference of every Waymark HTTP endpoint, and the `/docs`
 * console. The document is built from route groups (the adapter, policies, the admin API, the
 * OpenID Provider; the gateway and MCP server add theirs) whose request and response schemas are
 * the JSON Schemas the code validates with and whose errors come from `@waymark/http`'s table.
 */
export { OpenApiRegistry, operation, pathsOf, embedSchema, json, pathParam, queryParam } from './builder.js';
export type { OperationSpec, DocumentOptions, ErrorGroup } from './builder.js';
export { errorResponses, ERROR_SCHEMAS } from './errors.js';
export type { ErrorShape } from './errors.js';
export { codeSamples } from './samples.js';
export type { SampleInput, SampleAuth } from './samples.js';
export { adapterGroup } from './groups/adapter.js';
export type { AdapterGroupOptions } from './groups/adapter.js';
export { policyGroup } from './groups/policies.js';
export { adminGroup, ADMIN_SCOPES } from './groups/admin.js';
export type { AdminGroupOptions } from './groups/admin.js';
export { providerGroup } from './groups/provider.js';
export type { ProviderGroupOptions } from './groups/provider.js';
export { gatewayGroup, mcpServerGroup } from './groups/gateway.js';
export type { GatewayRouteInfo } from './groups/gateway.js';
export { waymarkApiRegistry, waymarkOpenApiDocument } from './waymark.js';
export type { WaymarkApiOptions } from './waymark.js';
export { docsRouter, DOCS_CSP } from './docs.js';
export type { DocsOptions } from './docs.js';
export type {
  OpenApiDocument,
  OpenApiGroup,
  OpenApiOperation,
  OpenApiPathItem,
  OpenApiParameter,
  OpenApiResponse,
  OpenApiComponents,
  JsonSchema,
  HttpMethod,
} from './types.js';
export { responseChecker } from './response-check.js';
export type { ReceivedResponse } from './response-check.js';
export { expressRoutes, undocumentedRoutes, unexplainedRoutes, UNDOCUMENTED_ROUTES } from './routes.js';
export type { ServedRoute, UndocumentedRoute } from './routes.js';
export { studioGroup } from './groups/studio.js';
export { docsGroup } from './groups/docs.js';
