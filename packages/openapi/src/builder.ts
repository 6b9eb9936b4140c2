import { errorResponses, ERROR_SCHEMAS, type ErrorShape } from './errors.js';
import { codeSamples, SAMPLE_BASE, type SampleAuth } from './samples.js';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiComponents,
  OpenApiDocument,
  OpenApiGroup,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiResponse,
} from './types.js';

/** Error codes answered in one shape. */
export interface ErrorGroup {
  codes: readonly string[];
  shape: ErrorShape;
  browser?: boolean;
  html?: boolean;
}

/**
 * Two descriptions of one status merged: the media types of both, and where both describe the
 * same media type, a body that is either (`anyOf`).
 */
function mergeResponse(a: OpenApiResponse, b: OpenApiResponse): OpenApiResponse {
  const content: Record<string, { schema?: JsonSchema }> = { ...(a.content ?? {}) };
  for (const [type, media] of Object.entries(b.content ?? {})) {
    const existing = content[type];
    content[type] =
      existing?.schema && media.schema && JSON.stringify(existing.schema) !== JSON.stringify(media.schema)
        ? { ...existing, schema: { anyOf: [existing.schema, media.schema] } }
        : (existing ?? media);
  }
  const headers = { ...(a.headers ?? {}), ...(b.headers ?? {}) };
  return {
    description: a.description === b.description ? a.description : `${a.description} ${b.description}`,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function mergeResponses(...sets: Record<string, OpenApiResponse>[]): Record<string, OpenApiResponse> {
  const out: Record<string, OpenApiResponse> = {};
  for (const set of sets)
    for (const [status, response] of Object.entries(set)) out[status] = out[status] ? mergeResponse(out[status], response) : response;
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** What one operation is: the parts the document and its examples are built from. */
export interface OperationSpec {
  method: HttpMethod;
  path: string;
  id: string;
  summary: string;
  description?: string;
  parameters?: OpenApiParameter[];
  body?: { contentType: string | string[]; schema: JsonSchema; example?: unknown; required?: boolean; description?: string };
  /** The answers that are not errors (2xx, 3xx; a 401 a journey failure answers as JSON). */
  responses: Record<string, OpenApiResponse>;
  /**
   * The error codes this operation answers (through `@waymark/http`'s table), and their shape;
   * several groups when the operation answers some codes in one shape and some in another.
   */
  errors?: ErrorGroup | readonly ErrorGroup[];
  security?: Record<string, string[]>[];
  /** How the examples authenticate. */
  auth?: SampleAuth;
  sampleQuery?: Record<string, string>;
  /** Set false for a browser-only endpoint (a page, a redirect): documented, but the console should not send it. */
  tryIt?: boolean;
}

/** Builds an operation with its error answers and its curl, JavaScript and Python examples. */
export function operation(spec: OperationSpec): OpenApiOperation & { method: HttpMethod; path: string } {
  const contentTypes = spec.body ? (Array.isArray(spec.body.contentType) ? spec.body.contentType : [spec.body.contentType]) : [];
  const groups: readonly ErrorGroup[] =
    spec.errors === undefined ? [] : 'codes' in spec.errors ? [spec.errors as ErrorGroup] : (spec.errors as readonly ErrorGroup[]);
  const errors = groups.map((g) => errorResponses(g.codes, g.shape, g));
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.id,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tags: [],
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required ?? true,
            ...(spec.body.description !== undefined ? { description: spec.body.description } : {}),
            content: Object.fromEntries(
              contentTypes.map((type) => [
                type,
                { schema: spec.body!.schema, ...(spec.body!.example !== undefined ? { example: spec.body!.example } : {}) },
              ]),
            ),
          },
        }
      : {}),
    responses: mergeResponses(spec.responses, ...errors),
    ...(spec.security ? { security: spec.security } : {}),
    ...(spec.tryIt === false ? { 'x-waymark-browser-only': true } : {}),
    'x-codeSamples': codeSamples({
      method: spec.method,
      path: spec.path,
      ...(contentTypes[0] !== undefined ? { contentType: contentTypes[0] } : {}),
      ...(spec.body?.example !== undefined ? { body: spec.body.example } : {}),
      auth: spec.auth ?? 'none',
      ...(spec.sampleQuery ? { query: spec.sampleQuery } : {}),
    }),
  };
}

/** Turns built operations into path items, tagged. */
export function pathsOf(tag: string, operations: ReturnType<typeof operation>[]): Record<string, OpenApiPathItem> {
  const paths: Record<string, OpenApiPathItem> = {};
  for (const { method, path, ...op } of operations) {
    const item = (paths[path] ??= {});
    if (item[method]) throw new Error(`@waymark/openapi: ${method.toUpperCase()} ${path} is described twice`);
    item[method] = { ...op, tags: [tag] };
  }
  return paths;
}

/** A JSON media type. */
export const json = (schema: JsonSchema, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined ? { example } : {}) },
});

/** A path parameter. */
export function pathParam(name: string, description: string, schema: JsonSchema = { type: 'string' }, example?: string): OpenApiParameter {
  return { name, in: 'path', required: true, description, schema, ...(example !== undefined ? { example } : {}) };
}

/** A query parameter. */
export function queryParam(name: string, description: string, schema: JsonSchema = { type: 'string' }, required = false): OpenApiParameter {
  return { name, in: 'query', required, description, schema };
}

/**
 * Embeds a JSON Schema the code validates with as a component, unchanged but for where it sits:
 * `$schema` and `$id` are dropped (the document's dialect is 2020-12 already) and its local
 * `#/$defs/…` references are re-pointed to the component, so they resolve inside the document.
 */
export function embedSchema(schema: unknown, componentName: string): JsonSchema {
  const walk = (value: unknown, root = false): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (root && (key === '$schema' || key === '$id')) continue;
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/'))
        out[key] = `#/components/schemas/${componentName}/${inner.slice(2)}`;
      else out[key] = walk(inner);
    }
    return out;
  };
  return walk(schema, true) as JsonSchema;
}

export interface DocumentOptions {
  /** The server the paths are relative to: the issuer's origin, e.g. `http://localhost:3000`. */
  serverUrl: string;
  title?: string;
  version?: string;
  description?: string;
}

function mergeComponents(into: Required<OpenApiComponents>, from: OpenApiComponents | undefined, group: string): void {
  for (const kind of ['schemas', 'responses', 'securitySchemes'] as const)
    for (const [name, value] of Object.entries(from?.[kind] ?? {})) {
      const existing = (into[kind] as Record<string, unknown>)[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(value))
        throw new Error(`@waymark/openapi: group "${group}" defines components.${kind}.${name} differently from an earlier group`);
      (into[kind] as Record<string, unknown>)[name] = value;
    }
}

/**
 * The registry of route groups the document is built from. Each package that serves routes
 * contributes a group (its paths, already under their mount prefix, and its components); the
 * party that mounts the routes adds the groups it mounts, so the document describes exactly what
 * that server serves. A path described by two groups is an error, never a silent overwrite.
 *
 * @example
 * const registry = new OpenApiRegistry().add(adapterGroup()).add(adminGroup({ oidcIssuer }));
 * const document = registry.build({ serverUrl: 'https://login.example.com' });
 */
export class OpenApiRegistry {
  readonly #groups: OpenApiGroup[] = [];

  add(group: OpenApiGroup): this {
    this.#groups.push(group);
    return this;
  }

  get groups(): readonly OpenApiGroup[] {
    return this.#groups;
  }

  build(options: DocumentOptions): OpenApiDocument {
    const components: Required<OpenApiComponents> = { schemas: { ...ERROR_SCHEMAS }, responses: {}, securitySchemes: {} };
    const paths: Record<string, OpenApiPathItem> = {};
    for (const group of this.#groups) {
      mergeComponents(components, group.components, group.tag.name);
      for (const [path, item] of Object.entries(group.paths)) {
        const target = (paths[path] ??= {});
        for (const [method, op] of Object.entries(item) as [HttpMethod, OpenApiOperation][]) {
          if (target[method]) throw new Error(`@waymark/openapi: ${method.toUpperCase()} ${path} is described by two groups`);
          // The examples name this server.
          const samples = op['x-codeSamples']?.map((sample) => ({
            ...sample,
            source: sample.source.split(SAMPLE_BASE).join(options.serverUrl.replace(/\/+$/, '')),
          }));
          target[method] = samples ? { ...op, 'x-codeSamples': samples } : op;
        }
      }
    }
    const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      openapi: '3.1.0',
      info: {
        title: options.title ?? 'Waymark',
        version: options.version ?? '0.1.0',
        description:
          options.description ??
          'Every HTTP endpoint this Waymark server serves. Errors answer `{ error, error_description, code }` with the stable codes of docs/errors.md; OAuth endpoints answer `{ error, error_description }` (RFC 6749 §5.2).',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
      servers: [{ url: options.serverUrl, description: 'this server' }],
      tags: this.#groups.map((g) => g.tag),
      paths: sortedPaths,
      components,
    };
  }
}
