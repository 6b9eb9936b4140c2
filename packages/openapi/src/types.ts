/**
 * The OpenAPI 3.1 shapes this package builds (OpenAPI 3.1.0, https://spec.openapis.org/oas/v3.1.0).
 * Loose on purpose: Schema Objects are JSON Schema 2020-12 (the same objects the code validates
 * with), so they stay plain JSON here.
 */
export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
  example?: unknown;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
  example?: unknown;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description?: string; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  security?: Record<string, string[]>[];
  /** Examples for each operation (the `x-codeSamples` extension Redoc and others read; Swagger UI shows its own curl too). */
  'x-codeSamples'?: { lang: string; label: string; source: string }[];
  [extension: `x-${string}`]: unknown;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'options' | 'head';
export type OpenApiPathItem = Partial<Record<HttpMethod, OpenApiOperation>> & { summary?: string; description?: string };

export interface OpenApiComponents {
  schemas?: Record<string, JsonSchema>;
  responses?: Record<string, OpenApiResponse>;
  securitySchemes?: Record<string, Record<string, unknown>>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string; license?: { name: string; identifier?: string } };
  jsonSchemaDialect?: string;
  servers: { url: string; description?: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, OpenApiPathItem>;
  components: OpenApiComponents;
}

/**
 * One group of routes a package serves: its tag, its paths (each already with its mount prefix)
 * and the components they name. The document is the union of the groups: a package that serves
 * routes (the gateway, the MCP server) exports a function returning its group, and whoever mounts
 * the routes (`waymark serve`) adds it to the registry beside the others.
 *
 * @example
 * registry.add({ tag: { name: 'Gateway', description: '…' }, paths: { '/gateway/.well-known/oauth-protected-resource': { get: … } } });
 */
export interface OpenApiGroup {
  tag: { name: string; description?: string };
  paths: Record<string, OpenApiPathItem>;
  components?: OpenApiComponents;
}
