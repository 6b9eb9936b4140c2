/* The JSON Schema (draft 2020-12) of the gateway's configuration; every option's default and why are in its description. */

const scopeList = {
  type: 'array',
  items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' },
  description: 'scope tokens (RFC 6749 §3.3)',
} as const;
const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' } as const;

const token = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'jwksUri'],
  description: 'whose access tokens the route believes: { "issuer", "jwksUri", "audience"?, "algorithms"? }',
  properties: {
    issuer: { ...httpUrl, description: "the authorization server's issuer" },
    jwksUri: { ...httpUrl, description: 'its JWK set URL' },
    audience: {
      description: "the audience a token must name. Default: the route's resource (RFC 8707)",
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    algorithms: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'accepted signing algorithms (asymmetric only)' },
  },
} as const;

const upstreamAuth = {
  description:
    'how the gateway authenticates upstream (the agent\'s token is never forwarded): { "type": "none" | "api-key" | "token-exchange", ... }. Default none',
  type: 'object',
  required: ['type'],
  oneOf: [
    { properties: { type: { const: 'none' } }, additionalProperties: false },
    {
      properties: {
        type: { const: 'api-key' },
        header: { type: 'string', pattern: '^[A-Za-z0-9-]+$', description: 'the header the key goes in. Default x-api-key' },
        value: { type: 'string', minLength: 1, description: 'the key (prefer valueEnv)' },
        valueEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'the environment variable holding the key' },
      },
      additionalProperties: false,
      oneOf: [{ required: ['value'] }, { required: ['valueEnv'] }],
    },
    {
      properties: {
        type: { const: 'token-exchange' },
        tokenEndpoint: { ...httpUrl, description: "the authorization server's token endpoint (RFC 8693)" },
        clientId: { type: 'string', minLength: 1 },
        clientSecret: { type: 'string', minLength: 1, description: 'prefer clientSecretEnv' },
        clientSecretEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
        audience: { type: 'string', minLength: 1, description: "the upstream's audience (RFC 8693 §2.1)" },
        resource: { ...httpUrl, description: "the upstream's resource indicator (RFC 8707)" },
        scope: { type: 'string', minLength: 1 },
        actorToken: {
          type: 'object',
          additionalProperties: false,
          description:
            'delegation (RFC 8693 §2.1 actor_token): the gateway gets its own token by client credentials at the same endpoint (RFC 6749 §4.4), for this resource, and the exchanged token names the gateway in `act`: { "resource"?, "scope"? }. Default: no actor token (the authorization server must allow the gateway to impersonate)',
          properties: {
            resource: { ...httpUrl, description: "the resource indicator of the gateway's own token (RFC 8707)" },
            scope: { type: 'string', minLength: 1 },
          },
        },
      },
      required: ['tokenEndpoint', 'clientId'],
      additionalProperties: false,
      anyOf: [{ required: ['audience'] }, { required: ['resource'] }],
    },
  ],
} as const;

const rateLimits = {
  type: 'array',
  description: 'rate limits: [{ "per": "route" | "tool" | "client" | "subject", "max", "windowSeconds", "tool"? }]',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['per', 'max', 'windowSeconds'],
    properties: {
      per: { enum: ['route', 'tool', 'client', 'subject'] },
      max: { type: 'integer', minimum: 1 },
      windowSeconds: { type: 'integer', minimum: 1 },
      tool: { type: 'string', minLength: 1, description: 'only calls of this tool count (mcp routes)' },
    },
  },
} as const;

const base = {
  name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,40}$', description: 'names the route in metrics, audit and limits' },
  path: {
    type: 'string',
    pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$',
    description: 'where the route is mounted, e.g. /mcp/bank (no trailing slash)',
  },
} as const;

const upstreamTls = {
  type: 'object',
  additionalProperties: false,
  required: ['certFile', 'keyFile'],
  description:
    'mutual TLS to an https upstream that requires a client certificate (RFC 8446 §4.3.2, §4.4.2): { "certFile", "keyFile", "caFile"?, "servername"? }; paths are PEM files, relative to the working directory',
  properties: {
    certFile: { type: 'string', minLength: 1, description: "the gateway's client certificate (PEM), with its chain" },
    keyFile: { type: 'string', minLength: 1, description: 'its private key (PEM); keep the file readable by the gateway only' },
    caFile: {
      type: 'string',
      minLength: 1,
      description: "the CA certificates (PEM) the upstream's server certificate must chain to. Default: the system's",
    },
    servername: {
      type: 'string',
      minLength: 1,
      description: "the name the upstream's certificate must carry (SNI). Default: the upstream URL's host",
    },
  },
} as const;

const protectedRoute = {
  ...base,
  upstream: { ...httpUrl, description: "the upstream's URL; the path under the route is appended" },
  token,
  upstreamAuth,
  upstreamTls,
  rateLimits,
} as const;

const mcpRoute = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'path', 'upstream', 'token'],
  properties: {
    kind: { const: 'mcp' },
    ...protectedRoute,
    resource: { ...httpUrl, description: 'the canonical resource URI (RFC 8707). Default: publicUrl + path' },
    authorizationServers: {
      type: 'array',
      minItems: 1,
      items: httpUrl,
      description: 'RFC 9728 authorization_servers. Default: [token.issuer]',
    },
    scopesSupported: { ...scopeList, description: 'RFC 9728 scopes_supported. Default: every scope the route names' },
    resourceName: { type: 'string' },
    methodScopes: { type: 'object', additionalProperties: scopeList, description: 'scopes per JSON-RPC method ("*": every method)' },
    toolScopes: {
      type: 'object',
      additionalProperties: scopeList,
      description: 'scopes per tool (tools/call; tools/list shows only tools the caller may call)',
    },
    deniedTools: { type: 'array', items: { type: 'string' }, description: 'tools nobody sees or calls through this route' },
    allowedOrigins: {
      type: 'array',
      items: { type: 'string', pattern: '^https?://[^/]+$' },
      description: 'browser origins allowed (DNS rebinding). Default none',
    },
    stepUp: {
      type: 'array',
      description: 'tools calls that need an approved transaction: [{ "tool", "argument": "/amount", "above": 1000 }]',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tool', 'argument', 'above'],
        properties: {
          tool: { type: 'string', minLength: 1 },
          argument: { type: 'string', pattern: '^(/[^/]*)+$' },
          above: { type: 'number' },
        },
      },
    },
  },
} as const;

const apiRoute = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'path', 'upstream', 'token'],
  properties: {
    kind: { const: 'api' },
    ...protectedRoute,
    resource: { ...httpUrl, description: 'the audience tokens must name. Default: publicUrl + path' },
    scopes: {
      type: 'array',
      description: 'scopes per method and path: [{ "methods"?: ["POST"], "path": "/payments", "scopes": ["pay"] }]',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'scopes'],
        properties: {
          methods: { type: 'array', items: { type: 'string', pattern: '^[A-Z]+$' } },
          path: { type: 'string', pattern: '^(\\*|/.*)$' },
          scopes: scopeList,
        },
      },
    },
  },
} as const;

/* The web kind's options are the web routes' own (checked by their factory). */
const webRoute = { type: 'object', required: ['kind', 'name', 'path'], properties: { kind: { const: 'web' }, ...base } } as const;

export const gatewayConfigSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['publicUrl', 'routes'],
  properties: {
    publicUrl: {
      ...httpUrl,
      pattern: '^https?://[^/]+$',
      description: 'the origin agents reach the gateway at (scheme, host, port; no path)',
    },
    routes: {
      type: 'array',
      description: 'the routes: { "kind": "mcp" | "api" | "web", "name", "path", ... }',
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['mcp', 'api', 'web'] } },
        if: { properties: { kind: { const: 'mcp' } } },
        then: mcpRoute,
        else: { if: { properties: { kind: { const: 'api' } } }, then: apiRoute, else: webRoute },
      },
    },
    policies: { type: 'object', description: "the step-up rules' policy (@waymark/policy configuration: { policySets, ... })" },
    stepUpUrl: { type: 'string', pattern: '^https?://.*\\{txId\\}', description: 'where a person approves a transaction, with {txId}' },
    stepUpCiba: {
      type: 'object',
      additionalProperties: false,
      required: ['backchannelEndpoint', 'tokenEndpoint', 'clientId'],
      description:
        'the person approves a step-up out of band through OpenID Connect CIBA (poll mode) instead of a link: { "issuer"?, "backchannelEndpoint", "tokenEndpoint", "clientId", "clientSecretEnv" | "clientSecret", "scope"? }',
      properties: {
        issuer: {
          ...httpUrl,
          description:
            "the provider's issuer, which an approval's ID token names (OIDC Core §3.1.3.7). Default: the token endpoint's origin",
        },
        backchannelEndpoint: { ...httpUrl, description: "the provider's backchannel authentication endpoint (CIBA Core §7)" },
        tokenEndpoint: { ...httpUrl, description: "the provider's token endpoint, polled with the auth_req_id (CIBA Core §10.1)" },
        clientId: { type: 'string', minLength: 1, description: "the gateway's CIBA client at the provider" },
        clientSecret: { type: 'string', minLength: 1, description: 'prefer clientSecretEnv' },
        clientSecretEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
        scope: { type: 'string', minLength: 1, description: 'the scope asked for. Default openid' },
      },
    },
    bodyLimit: { type: 'integer', minimum: 1024, default: 1048576, description: 'largest request body read, bytes. Default 1 MiB' },
  },
} as const;
