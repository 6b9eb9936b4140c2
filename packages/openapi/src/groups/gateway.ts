import { json, operation, pathsOf } from '../builder.js';
import type { JsonSchema, OpenApiGroup } from '../types.js';

/** A route of the gateway, as the reference needs it (`@waymark/gateway`'s GatewayRoute, or its config). */
export interface GatewayRouteInfo {
  kind: 'mcp' | 'api' | 'web';
  name: string;
  /** The path the route owns, such as `/mcp/bank`. */
  path: string;
}

/** RFC 9728 §2: the protected resource metadata the gateway and the MCP server publish. */
const PROTECTED_RESOURCE_METADATA: JsonSchema = {
  type: 'object',
  required: ['resource'],
  properties: {
    resource: { type: 'string', format: 'uri', description: 'the resource identifier tokens must name as their audience (RFC 8707)' },
    authorization_servers: { type: 'array', items: { type: 'string', format: 'uri' } },
    scopes_supported: { type: 'array', items: { type: 'string' } },
    bearer_methods_supported: { type: 'array', items: { type: 'string' } },
    resource_name: { type: 'string' },
  },
};

/* A JSON-RPC 2.0 message (request, notification or response), what an MCP endpoint takes and answers. */
const JSON_RPC: JsonSchema = {
  type: 'object',
  required: ['jsonrpc'],
  properties: {
    jsonrpc: { const: '2.0' },
    id: { type: ['string', 'integer'] },
    method: { type: 'string', description: 'such as initialize, tools/list, tools/call' },
    params: { type: 'object' },
    result: {},
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} },
    },
  },
};

const challenge = (description: string) => ({
  description,
  headers: {
    'WWW-Authenticate': {
      description: 'RFC 6750 §3 / RFC 9728 §5.1: `Bearer resource_metadata="…"`, with `error="insufficient_scope", scope="…"` on a 403',
      schema: { type: 'string' },
    },
  },
});

/** The metadata endpoint and the MCP endpoint of one protected MCP path (the gateway's mcp routes, the MCP server's /mcp). */
function mcpOperations(path: string, id: string, what: string) {
  return [
    operation({
      method: 'get',
      path: `/.well-known/oauth-protected-resource${path}`,
      id: `${id}Metadata`,
      summary: `Protected resource metadata of ${what} (RFC 9728)`,
      responses: {
        '200': { description: 'Where to get a token for this resource, and its scopes.', content: json(PROTECTED_RESOURCE_METADATA) },
      },
    }),
    operation({
      method: 'post',
      path,
      id: `${id}Message`,
      summary: `A JSON-RPC message to ${what} (MCP streamable HTTP)`,
      description:
        'Bearer token for this resource (its `resource` as audience). Both MCP wire formats: the session-based one (`Mcp-Session-Id` after `initialize`) and the 2026-07-28 one (`Mcp-Method` / `Mcp-Name` headers, no initialize). A tool the token may not call is absent from `tools/list` and refused.',
      auth: 'bearer',
      security: [{ bearer: [] }],
      body: { contentType: 'application/json', schema: JSON_RPC, example: { jsonrpc: '2.0', id: 1, method: 'tools/list' } },
      responses: {
        '200': {
          description: 'The JSON-RPC answer, as JSON or as a server-sent event stream (Accept: application/json, text/event-stream).',
          content: { ...json(JSON_RPC), 'text/event-stream': { schema: { type: 'string' } } },
        },
        '202': { description: 'A notification or response was accepted (no body).' },
        '401': challenge('No token, or one that is invalid or for another audience: `WWW-Authenticate` names the metadata.'),
        '403': challenge('A missing scope (`insufficient_scope` with the scopes to ask for), or a bad Origin.'),
        '429': { description: 'A rate limit is spent: `Retry-After` says when to retry.' },
      },
    }),
    operation({
      method: 'get',
      path,
      id: `${id}Stream`,
      summary: `The server-to-client event stream of ${what} (MCP streamable HTTP, 2025 wire format)`,
      description: "With `Accept: text/event-stream` and the session's `Mcp-Session-Id`; the stream passes through unbuffered.",
      auth: 'bearer',
      security: [{ bearer: [] }],
      tryIt: false,
      responses: {
        '200': { description: 'A server-sent event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '401': challenge('No token, or one that is invalid or for another audience.'),
        '405': { description: 'The server offers no stream.' },
      },
    }),
    operation({
      method: 'delete',
      path,
      id: `${id}EndSession`,
      summary: `Ends an MCP session of ${what} (\`Mcp-Session-Id\`, MCP streamable HTTP)`,
      auth: 'bearer',
      security: [{ bearer: [] }],
      responses: {
        '200': { description: 'The session is over.' },
        '401': challenge('No token, or one that is invalid or for another audience.'),
        '404': { description: 'No such session.' },
        '405': { description: 'The server does not let clients end sessions.' },
      },
    }),
  ];
}

/**
 * The gateway's routes (`gateway` in the serve config): for an mcp route its RFC 9728 metadata
 * and its MCP endpoint; for an api route, that it forwards every method under its path; for a
 * web route, its sign-in callback, sign-out and identity-key endpoints.
 */
export function gatewayGroup(routes: readonly GatewayRouteInfo[]): OpenApiGroup {
  const tag = 'Gateway';
  const ops = routes.flatMap((route) => {
    const id = `gateway_${route.name.replace(/[^A-Za-z0-9]/g, '_')}`;
    if (route.kind === 'mcp') return mcpOperations(route.path, id, `the gateway's MCP route "${route.name}"`);
    if (route.kind === 'api')
      return [
        operation({
          method: 'get',
          path: `${route.path}/{path}`,
          id: `${id}Forward`,
          summary: `Any request under ${route.path}, forwarded to the API "${route.name}" once its bearer token, audience and scopes pass`,
          description:
            "Every method is forwarded the same way; GET stands for all of them here. The upstream never sees the caller's token.",
          auth: 'bearer',
          security: [{ bearer: [] }],
          parameters: [{ name: 'path', in: 'path', required: true, description: 'the path under the route', schema: { type: 'string' } }],
          responses: {
            '200': { description: "The upstream's answer." },
            '401': challenge('No token, or an invalid one.'),
            '403': challenge('A missing scope.'),
            '429': { description: 'A rate limit is spent.' },
          },
        }),
      ];
    const base = route.path === '/' ? '' : route.path;
    return [
      operation({
        method: 'get',
        path: `${base}/_waymark/callback`,
        id: `${id}Callback`,
        summary: `Where the provider returns a person signing in to the web route "${route.name}" (browser)`,
        tryIt: false,
        responses: { '303': { description: 'Signed in: back to the page they asked for.' } },
      }),
      operation({
        method: 'get',
        path: `${base}/_waymark/login`,
        id: `${id}Login`,
        summary: `Starts a sign-in to the web route "${route.name}" and comes back to \`return_to\` (a same-origin path; browser)`,
        parameters: [{ name: 'return_to', in: 'query', description: 'where to land after sign-in', schema: { type: 'string' } }],
        tryIt: false,
        responses: { '303': { description: "To the provider's authorization endpoint (code + PKCE)." } },
      }),
      operation({
        method: 'get',
        path: `${base}/_waymark/logout`,
        id: `${id}LogoutPage`,
        summary: `The sign-out confirmation form of the web route "${route.name}" (browser; the form POSTs here)`,
        tryIt: false,
        responses: { '200': { description: 'The form.', content: { 'text/html': { schema: { type: 'string' } } } } },
      }),
      operation({
        method: 'post',
        path: `${base}/_waymark/logout`,
        id: `${id}Logout`,
        summary: `Signs the person out of the web route "${route.name}" and at the provider (browser)`,
        tryIt: false,
        responses: { '303': { description: "To the provider's end-session endpoint." } },
      }),
      operation({
        method: 'get',
        path: `${base}/_waymark/jwks.json`,
        id: `${id}Jwks`,
        summary: `The public key the upstream checks the identity header of "${route.name}" with`,
        responses: {
          '200': {
            description: 'A JWK set.',
            content: json({ type: 'object', required: ['keys'], properties: { keys: { type: 'array' } } }),
          },
        },
      }),
    ];
  });
  return {
    tag: { name: tag, description: 'Waymark Gateway: the routes it protects (mcp, api, web), as configured at start-up.' },
    paths: pathsOf(tag, ops),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "An access token for the route's resource (RFC 8707 audience).",
        },
      },
    },
  };
}

/** Waymark's MCP server over streamable HTTP (`admin.mcp`): `/mcp` and its metadata. */
export function mcpServerGroup(path = '/mcp'): OpenApiGroup {
  const tag = 'MCP server';
  return {
    tag: {
      name: tag,
      description: "Waymark's MCP server for building, testing and operating journeys (its tools call the admin API as the caller).",
    },
    paths: pathsOf(tag, mcpOperations(path, 'mcpServer', "Waymark's MCP server")),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "An access token for the route's resource (RFC 8707 audience).",
        },
      },
    },
  };
}
