import { flowSchema } from '@waymark/core';
import { AUDIT_EVENT_TYPES } from '@waymark/sdk';
import { embedSchema, json, operation, pathParam, pathsOf, queryParam } from '../builder.js';
import type { JsonSchema, OpenApiGroup, OpenApiParameter } from '../types.js';

/*
 * The admin API (@waymark/admin, mounted at /admin/v1): flows, node types, clients, the journey
 * log and audit events. A protected resource (RFC 6750): a bearer token with
 * `waymark:admin:read` or `waymark:admin:write`. The flow and client bodies are validated with
 * core's flow schema and the adapter's client schema; those very schemas are embedded here (the
 * client schema passed in by whoever mounts the API, as the admin router takes its client check:
 * only the CLI imports @waymark/express).
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const ADMIN_SCOPES = { read: 'waymark:admin:read', write: 'waymark:admin:write' } as const;

const time = { type: 'integer', description: 'epoch milliseconds' };

const SCHEMAS: Record<string, JsonSchema> = {
  FlowEntry: {
    type: 'object',
    required: ['id', 'versions', 'activeVersion', 'latestVersion', 'updatedAt', 'updatedBy'],
    properties: {
      id: { type: 'string' },
      versions: { type: 'array', items: { type: 'integer' } },
      activeVersion: { type: 'integer' },
      latestVersion: { type: 'integer' },
      updatedAt: time,
      updatedBy: { type: 'string' },
      version: { type: 'integer', description: 'the version just saved (a write)' },
      active: { type: 'boolean', description: 'whether the version just saved is active (a write)' },
    },
  },
  FlowVersion: {
    type: 'object',
    required: ['id', 'version', 'flow', 'savedAt', 'savedBy', 'active'],
    properties: {
      id: { type: 'string' },
      version: { type: 'integer' },
      flow: ref('Flow'),
      savedAt: time,
      savedBy: { type: 'string' },
      active: { type: 'boolean' },
    },
  },
  Validation: {
    type: 'object',
    required: ['valid', 'problems'],
    properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: ref('Problem') } },
  },
  NodeType: {
    type: 'object',
    required: ['type', 'version', 'outcomes', 'outcomesDependOnConfig', 'implicitOutcomes', 'callbacks', 'package', 'packageVersion'],
    properties: {
      type: { type: 'string' },
      version: { type: 'integer' },
      description: { type: 'string' },
      config: { type: 'object', description: 'the JSON Schema of its config' },
      outcomes: { type: ['array', 'null'], items: { type: 'string' } },
      outcomesDependOnConfig: { type: 'boolean' },
      implicitOutcomes: { type: 'array', items: { type: 'string' } },
      callbacks: { type: 'array', items: { type: 'string' } },
      pushPhase: { type: 'boolean' },
      package: { type: 'string' },
      packageVersion: { type: ['string', 'null'] },
    },
  },
  ClientView: {
    type: 'object',
    description: 'A client as the API answers it: the configuration without `client_secret` (write-only), and whether one is set.',
    required: ['client_id', 'config', 'enabled', 'has_secret', 'revision', 'updatedAt', 'updatedBy'],
    properties: {
      client_id: { type: 'string' },
      config: ref('ClientConfig'),
      enabled: { type: 'boolean' },
      has_secret: { type: 'boolean' },
      secret_set_at: time,
      revision: { type: 'integer', minimum: 1 },
      updatedAt: time,
      updatedBy: { type: 'string' },
      client_secret: { type: 'string', description: 'only in the answer of a rotation that generated it, this once' },
    },
  },
  JourneyTraceStep: {
    type: 'object',
    required: ['node', 'type', 'outcome', 'ms'],
    properties: {
      node: { type: 'string' },
      type: { type: 'string' },
      outcome: { type: 'string' },
      ms: { type: 'number' },
      reason: { type: 'string' },
      code: { type: 'string' },
      subflow: {
        type: 'object',
        description: 'a flow.run step: the flow it ran and its own steps, nested the same way',
        required: ['flowId', 'flowVersion', 'trace'],
        properties: {
          flowId: { type: 'string' },
          flowVersion: { type: 'integer' },
          trace: { type: 'array', items: ref('JourneyTraceStep') },
        },
      },
    },
  },
  JourneyRecord: {
    type: 'object',
    required: ['id', 'flowId', 'flowVersion', 'status', 'startedAt', 'updatedAt'],
    properties: {
      id: { type: 'string' },
      flowId: { type: 'string' },
      flowVersion: { type: 'integer' },
      status: { enum: ['live', 'success', 'failure'] },
      client_id: { type: 'string' },
      sub: { type: 'string' },
      code: { type: 'string' },
      reason: { type: 'string' },
      node: { type: 'string' },
      requestId: { type: 'string' },
      startedAt: time,
      updatedAt: time,
      endedAt: time,
      steps: { type: 'integer', description: 'the number of steps (in a list)' },
      trace: { type: 'array', items: ref('JourneyTraceStep'), description: 'the steps (one journey)' },
    },
  },
  AuditEvent: {
    type: 'object',
    required: ['id', 'time', 'type'],
    properties: {
      id: { type: 'string' },
      time,
      type: { enum: [...AUDIT_EVENT_TYPES] },
      requestId: { type: 'string' },
      sub: { type: 'string' },
      client_id: { type: 'string' },
      flow: { type: 'string' },
      node: { type: 'string' },
      outcome: { type: 'string' },
      code: { type: 'string' },
      reason: { type: 'string' },
      ip: { type: 'string' },
      userAgent: { type: 'string' },
      journeyId: { type: 'string' },
      transactionId: { type: 'string' },
      sessionId: { type: 'string', description: "the agent session (an MCP server's X-Waymark-Session-Id) a change or read was made in" },
      tool: { type: 'string', description: 'gateway.call: the MCP tool' },
      argumentsHash: { type: 'string', description: "gateway.call: SHA-256 of the call's arguments (never their values)" },
      upstreamStatus: { type: 'integer', description: "gateway.call: the upstream's HTTP status" },
      durationMs: { type: 'number', description: 'gateway.call: milliseconds' },
      actor: { type: 'string' },
      target: { type: 'string' },
      action: { type: 'string' },
    },
  },
};

const AUTH = [
  'ERR_ADMIN_TOKEN_MISSING',
  'ERR_ADMIN_TOKEN_INVALID',
  'ERR_ADMIN_ISSUER_UNAVAILABLE',
  'ERR_ADMIN_INSUFFICIENT_SCOPE',
  'ERR_ADMIN_RATE_LIMITED',
  'ERR_STORE_UNAVAILABLE',
];
const READ = [...AUTH, 'ERR_ADMIN_BAD_REQUEST'];
const WRITE = [
  ...AUTH,
  'ERR_ADMIN_BAD_REQUEST',
  'ERR_ADMIN_NOT_FOUND',
  'ERR_ADMIN_CONFLICT',
  'ERR_ADMIN_READ_ONLY',
  'ERR_ADMIN_WRITES_IN_PRODUCTION',
  'ERR_BODY_TOO_LARGE',
  'ERR_INVALID_REQUEST',
];

const ifMatch: OpenApiParameter = {
  name: 'If-Match',
  in: 'header',
  description: 'compare-and-set (RFC 9110 §13.1.1): the ETag a GET gave, such as "3"',
  schema: { type: 'string', pattern: '^"\\d{1,15}"$' },
};
const etag = { ETag: { description: 'the latest version or revision, for If-Match', schema: { type: 'string' } } };

/** Options of the admin API's group. */
export interface AdminGroupOptions {
  /** Where the admin API is mounted. Default `/admin/v1`. */
  basePath?: string;
  /** The OpenID Provider whose authorization code + PKCE flow the console uses: its authorization and token endpoints. */
  authorizationUrl: string;
  tokenUrl: string;
  /** The JSON Schema client configurations are validated with: `clientConfigSchema` of @waymark/express. */
  clientConfigSchema: object;
}

/** The admin API's routes and its OAuth security schemes. */
export function adminGroup(options: AdminGroupOptions): OpenApiGroup {
  const base = (options.basePath ?? '/admin/v1').replace(/\/+$/, '');
  const p = (path: string) => `${base}${path}`;
  const tag = 'Admin API';
  const read: Record<string, string[]>[] = [{ waymarkAdmin: [ADMIN_SCOPES.read] }, { adminBearer: [] }];
  const write: Record<string, string[]>[] = [{ waymarkAdmin: [ADMIN_SCOPES.write] }, { adminBearer: [] }];
  const ok = (description: string, schema: JsonSchema, withEtag = false) => ({
    description,
    ...(withEtag ? { headers: etag } : {}),
    content: json(schema),
  });
  const errs = (codes: readonly string[]) => ({ codes, shape: 'admin' as const });
  const id = pathParam('id', 'the flow id', { type: 'string' }, 'login');
  const clientId = pathParam('id', 'the client id', { type: 'string' }, 'web-app');
  const flowBody = {
    contentType: 'application/json',
    description:
      "A flow (core's flow schema; `version` may be left out: the next one). Compare-and-set with `If-Match`, or an `expectedVersion` member (the latest version you read), which is taken out before validation.",
    schema: ref('Flow'),
    example: {
      id: 'hello',
      version: 1,
      description: 'Says hello.',
      start: 'hello',
      nodes: { hello: { type: 'message', config: { text: 'Hello' }, outcomes: { next: 'success' } } },
    },
  };
  const activateQuery = queryParam('activate', '`false` saves the version without making it active', { enum: ['true', 'false'] });
  const clientBody = {
    contentType: 'application/json',
    description:
      "A client configuration (the adapter's client schema, as at start-up). Compare-and-set with `If-Match`, or an `expectedRevision` member, which is taken out before validation.",
    schema: ref('ClientConfig'),
    example: {
      client_id: 'new-app',
      type: 'spa',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://localhost:4000/callback'],
      pkce: 'S256_REQUIRED',
      allowed_flows: ['login'],
    },
  };
  const expectedRevisionBody = {
    contentType: 'application/json',
    required: false,
    schema: { type: 'object', properties: { expectedRevision: { type: 'integer', minimum: 0 } }, additionalProperties: false },
  };
  const page = (name: string) => queryParam(name, '');
  const ops = [
    operation({
      method: 'get',
      path: p('/flows'),
      id: 'listFlows',
      summary: 'List flows',
      security: read,
      auth: 'bearer',
      responses: {
        '200': ok('The flows, each with its versions.', {
          type: 'object',
          required: ['flows'],
          properties: { flows: { type: 'array', items: ref('FlowEntry') } },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'post',
      path: p('/flows'),
      id: 'createFlow',
      summary: 'Create a flow',
      description: 'Validated exactly as start-up validates a flow file; refused flows answer every problem.',
      security: write,
      auth: 'bearer',
      parameters: [activateQuery],
      body: flowBody,
      responses: {
        '201': {
          description: 'Saved (Location names the version).',
          headers: { ...etag, Location: { schema: { type: 'string' } } },
          content: json(ref('FlowEntry')),
        },
      },
      errors: errs([...WRITE, 'ERR_ADMIN_FLOW_INVALID']),
    }),
    operation({
      method: 'post',
      path: p('/flows/validate'),
      id: 'validateFlow',
      summary: 'Validate a flow without saving it',
      security: read,
      auth: 'bearer',
      body: { ...flowBody, schema: { type: 'object' } },
      responses: { '200': ok('Valid, or every problem.', ref('Validation')) },
      errors: errs([...READ, 'ERR_BODY_TOO_LARGE', 'ERR_INVALID_REQUEST']),
    }),
    operation({
      method: 'get',
      path: p('/flows/{id}'),
      id: 'getFlow',
      summary: "A flow's versions",
      security: read,
      auth: 'bearer',
      parameters: [id],
      responses: { '200': ok('The flow.', ref('FlowEntry'), true) },
      errors: errs([...READ, 'ERR_ADMIN_NOT_FOUND']),
    }),
    operation({
      method: 'put',
      path: p('/flows/{id}'),
      id: 'saveFlowVersion',
      summary: 'Save a new version of a flow',
      security: write,
      auth: 'bearer',
      parameters: [id, activateQuery, ifMatch],
      body: flowBody,
      responses: {
        '201': { description: 'Saved.', headers: { ...etag, Location: { schema: { type: 'string' } } }, content: json(ref('FlowEntry')) },
      },
      errors: errs([...WRITE, 'ERR_ADMIN_FLOW_INVALID']),
    }),
    operation({
      method: 'get',
      path: p('/flows/{id}/versions/{version}'),
      id: 'getFlowVersion',
      summary: 'One version of a flow',
      security: read,
      auth: 'bearer',
      parameters: [
        id,
        pathParam('version', 'a version number, `active` or `latest`', { type: 'string', pattern: '^(\\d{1,9}|active|latest)$' }, 'active'),
      ],
      responses: { '200': ok('The version.', ref('FlowVersion'), true) },
      errors: errs([...READ, 'ERR_ADMIN_NOT_FOUND']),
    }),
    operation({
      method: 'post',
      path: p('/flows/{id}/versions/{version}/activate'),
      id: 'activateFlowVersion',
      summary: 'Make a version active',
      security: write,
      auth: 'bearer',
      parameters: [id, pathParam('version', 'a version number', { type: 'string', pattern: '^\\d{1,9}$' }, '1')],
      body: {
        contentType: 'application/json',
        required: false,
        schema: { type: 'object', properties: { expectedActiveVersion: { type: 'integer' } } },
      },
      responses: { '200': ok('The flow.', ref('FlowEntry'), true) },
      errors: errs(WRITE),
    }),
    operation({
      method: 'post',
      path: p('/flows/{id}/rollback'),
      id: 'rollbackFlow',
      summary: 'Roll back to an earlier version',
      security: write,
      auth: 'bearer',
      parameters: [id],
      body: {
        contentType: 'application/json',
        required: false,
        schema: { type: 'object', properties: { version: { type: 'integer' }, expectedActiveVersion: { type: 'integer' } } },
      },
      responses: { '200': ok('The flow.', ref('FlowEntry'), true) },
      errors: errs(WRITE),
    }),
    operation({
      method: 'get',
      path: p('/node-types'),
      id: 'listNodeTypes',
      summary: 'The node type catalog',
      security: read,
      auth: 'bearer',
      responses: {
        '200': ok('Every node type a flow may use.', {
          type: 'object',
          required: ['nodeTypes'],
          properties: { nodeTypes: { type: 'array', items: ref('NodeType') } },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'get',
      path: p('/node-types/{type}'),
      id: 'getNodeType',
      summary: 'One node type',
      security: read,
      auth: 'bearer',
      parameters: [pathParam('type', 'the node type', { type: 'string' }, 'message')],
      responses: { '200': ok('The node type.', ref('NodeType')) },
      errors: errs([...READ, 'ERR_ADMIN_NOT_FOUND']),
    }),
    operation({
      method: 'get',
      path: p('/clients'),
      id: 'listClients',
      summary: 'List clients',
      security: read,
      auth: 'bearer',
      responses: {
        '200': ok('The clients (never a secret).', {
          type: 'object',
          required: ['clients'],
          properties: { clients: { type: 'array', items: ref('ClientView') } },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'post',
      path: p('/clients'),
      id: 'createClient',
      summary: 'Create a client',
      security: write,
      auth: 'bearer',
      body: clientBody,
      responses: {
        '201': {
          description: 'Created.',
          headers: { ...etag, Location: { schema: { type: 'string' } } },
          content: json(ref('ClientView')),
        },
      },
      errors: errs([...WRITE, 'ERR_ADMIN_CLIENT_INVALID']),
    }),
    operation({
      method: 'get',
      path: p('/clients/{id}'),
      id: 'getClient',
      summary: 'One client',
      security: read,
      auth: 'bearer',
      parameters: [clientId],
      responses: { '200': ok('The client.', ref('ClientView'), true) },
      errors: errs([...READ, 'ERR_ADMIN_NOT_FOUND']),
    }),
    operation({
      method: 'put',
      path: p('/clients/{id}'),
      id: 'replaceClient',
      summary: "Replace a client's configuration",
      security: write,
      auth: 'bearer',
      parameters: [clientId, ifMatch],
      body: clientBody,
      responses: { '200': ok('Replaced.', ref('ClientView'), true) },
      errors: errs([...WRITE, 'ERR_ADMIN_CLIENT_INVALID']),
    }),
    operation({
      method: 'delete',
      path: p('/clients/{id}'),
      id: 'deleteClient',
      summary: 'Delete a client',
      security: write,
      auth: 'bearer',
      parameters: [clientId, ifMatch],
      body: expectedRevisionBody,
      responses: { '204': { description: 'Deleted.' } },
      errors: errs(WRITE),
    }),
    operation({
      method: 'post',
      path: p('/clients/{id}/enable'),
      id: 'enableClient',
      summary: 'Enable a client',
      security: write,
      auth: 'bearer',
      parameters: [clientId, ifMatch],
      body: expectedRevisionBody,
      responses: { '200': ok('Enabled.', ref('ClientView'), true) },
      errors: errs(WRITE),
    }),
    operation({
      method: 'post',
      path: p('/clients/{id}/disable'),
      id: 'disableClient',
      summary: 'Disable a client',
      security: write,
      auth: 'bearer',
      parameters: [clientId, ifMatch],
      body: expectedRevisionBody,
      responses: { '200': ok('Disabled.', ref('ClientView'), true) },
      errors: errs(WRITE),
    }),
    operation({
      method: 'post',
      path: p('/clients/{id}/secret'),
      id: 'rotateClientSecret',
      summary: "Rotate a client's secret",
      description: '`{}` generates a secret and answers it this once; `{ "client_secret": "…" }` sets the one given.',
      security: write,
      auth: 'bearer',
      parameters: [clientId, ifMatch],
      body: {
        contentType: 'application/json',
        required: false,
        schema: {
          type: 'object',
          properties: { client_secret: { type: 'string' }, expectedRevision: { type: 'integer' } },
          additionalProperties: false,
        },
        example: {},
      },
      responses: { '200': ok('Rotated.', ref('ClientView'), true) },
      errors: errs([...WRITE, 'ERR_ADMIN_CLIENT_INVALID']),
    }),
    operation({
      method: 'get',
      path: p('/journeys'),
      id: 'listJourneys',
      summary: 'Query the journey log',
      security: read,
      auth: 'bearer',
      parameters: ['from', 'to', 'flow', 'client_id', 'sub', 'code', 'cursor']
        .map(page)
        .concat([
          queryParam('status', '', { enum: ['live', 'success', 'failure'] }),
          queryParam('limit', '1 to 1000', { type: 'string', pattern: '^\\d{1,4}$' }),
        ]),
      responses: {
        '200': ok('A page of journeys; `next` is the cursor of the next page.', {
          type: 'object',
          required: ['journeys'],
          properties: { journeys: { type: 'array', items: ref('JourneyRecord') }, next: { type: 'string' } },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'get',
      path: p('/journeys/{id}'),
      id: 'getJourney',
      summary: 'One journey with its trace',
      security: read,
      auth: 'bearer',
      parameters: [pathParam('id', 'the journey id')],
      responses: { '200': ok('The journey.', ref('JourneyRecord')) },
      errors: errs([...READ, 'ERR_ADMIN_NOT_FOUND']),
    }),
    operation({
      method: 'get',
      path: p('/flows/{id}/funnel'),
      id: 'getFlowFunnel',
      summary: 'A flow funnel: per node, the journeys that reached it and the outcomes taken',
      security: read,
      auth: 'bearer',
      parameters: [
        pathParam('id', 'the flow id'),
        ...['from', 'to'].map(page),
        queryParam('version', 'only journeys of this flow version', { type: 'string', pattern: '^[1-9]\\d{0,8}$' }),
      ],
      responses: {
        '200': ok("Counts from the journey log's traces (at most 10,000 journeys; `truncated` past that).", {
          type: 'object',
          required: ['flowId', 'journeys', 'statuses', 'nodes', 'truncated'],
          properties: {
            flowId: { type: 'string' },
            version: { type: 'integer' },
            from: time,
            to: time,
            journeys: { type: 'integer', description: 'journeys counted' },
            statuses: {
              type: 'object',
              required: ['live', 'success', 'failure'],
              properties: { live: { type: 'integer' }, success: { type: 'integer' }, failure: { type: 'integer' } },
            },
            nodes: {
              type: 'array',
              description: 'in the order journeys first reached them',
              items: {
                type: 'object',
                required: ['node', 'type', 'reached', 'outcomes'],
                properties: {
                  node: { type: 'string' },
                  type: { type: 'string' },
                  reached: { type: 'integer', description: 'journeys that ran the node at least once' },
                  outcomes: { type: 'object', additionalProperties: { type: 'integer' }, description: 'runs per outcome' },
                  codes: { type: 'object', additionalProperties: { type: 'integer' }, description: 'error codes the node failed with' },
                },
              },
            },
            truncated: { type: 'boolean' },
          },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'get',
      path: p('/server'),
      id: 'getServer',
      summary: 'What this server allows: its mode and whether admin writes are on',
      security: read,
      auth: 'bearer',
      responses: {
        '200': ok('The server (an MCP server reads it before a write).', {
          type: 'object',
          required: ['mode', 'writes'],
          properties: {
            mode: { enum: ['development', 'production'] },
            writes: { type: 'boolean', description: 'admin writes are on' },
            allowWritesInProduction: { type: 'boolean' },
          },
        }),
      },
      errors: errs(READ),
    }),
    operation({
      method: 'get',
      path: p('/audit-events'),
      id: 'listAuditEvents',
      summary: 'Query audit events',
      security: read,
      auth: 'bearer',
      parameters: ['from', 'to', 'sub', 'client_id', 'outcome', 'request_id', 'cursor']
        .map(page)
        .concat([
          queryParam('type', '', (SCHEMAS.AuditEvent!.properties as Record<string, JsonSchema>).type!),
          queryParam('limit', '1 to 1000', { type: 'string', pattern: '^\\d{1,4}$' }),
        ]),
      responses: {
        '200': ok('A page of events; `next` is the cursor of the next page.', {
          type: 'object',
          required: ['events'],
          properties: { events: { type: 'array', items: ref('AuditEvent') }, next: { type: 'string' } },
        }),
      },
      errors: errs(READ),
    }),
  ];
  return {
    tag: {
      name: tag,
      description:
        'Flows, node types, clients, the journey log and audit events (@waymark/admin), at /admin/v1. Reads need `waymark:admin:read`, changes `waymark:admin:write` (and `admin.writes`).',
    },
    paths: pathsOf(tag, ops),
    components: {
      schemas: { ...SCHEMAS, Flow: embedSchema(flowSchema, 'Flow'), ClientConfig: embedSchema(options.clientConfigSchema, 'ClientConfig') },
      securitySchemes: {
        waymarkAdmin: {
          type: 'oauth2',
          description:
            "Authorization code with PKCE (RFC 7636, S256) at Waymark's OpenID Provider, for the admin API's resource (RFC 8707 `resource` = the admin audience). The console signs in with the `waymark-admin` client. A service obtains a token with client credentials at an issuer the admin API trusts (`admin.issuers`) that grants them.",
          flows: {
            authorizationCode: {
              authorizationUrl: options.authorizationUrl,
              tokenUrl: options.tokenUrl,
              scopes: {
                openid: "sign in (OpenID Connect; Waymark's provider asks it of clients that name their flow)",
                [ADMIN_SCOPES.read]: 'read flows, clients, journeys and audit events',
                [ADMIN_SCOPES.write]: 'change flows and clients',
              },
            },
            clientCredentials: { tokenUrl: options.tokenUrl, scopes: { [ADMIN_SCOPES.read]: 'read', [ADMIN_SCOPES.write]: 'change' } },
          },
        },
        adminBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An RFC 9068 JWT access token of a trusted issuer, for the admin audience (RFC 6750).',
        },
      },
    },
  };
}
