import type { FromSchema } from '@waymark/sdk';
import { WEB_ROUTE_DEFAULTS as D } from './defaults.js';

/**
 * The JSON Schema (draft 2020-12) of one `web` route's config: OpenID Connect login against the
 * provider in front of a web app, the way PingGateway's CDSSO route protects a sample app.
 * Secrets (client secret, session keys, signing key) are not here: they come as `createWebRoute`
 * dependencies, so a config file can be committed.
 *
 * @example
 * {
 *   "path": "/",
 *   "upstream": "http://127.0.0.1:8080",
 *   "publicUrl": "https://app.example.com",
 *   "issuer": "https://id.example.com/oidc",
 *   "clientId": "app-gateway",
 *   "publicPaths": ["/static/", "/favicon.ico", "/assets/**"]
 * }
 */
export const webRouteSchema = {
  $id: 'https://waymark.dev/schemas/gateway-web-route.json',
  type: 'object',
  description: 'a web route: { upstream, publicUrl, issuer, clientId, … } (see the gateway README, "web routes")',
  additionalProperties: false,
  required: ['upstream', 'publicUrl', 'issuer', 'clientId'],
  properties: {
    path: {
      type: 'string',
      pattern: "^/([A-Za-z0-9._~!$&'()*+,;=:@%-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$",
      default: D.path,
      description: 'the path prefix the route protects, "/" or "/app" (no trailing slash)',
    },
    upstream: { type: 'string', format: 'uri', pattern: '^https?://', description: 'the web app\'s base URL, "http://127.0.0.1:8080"' },
    publicUrl: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://[^/?#]+$',
      description: 'the gateway\'s origin as browsers see it, "https://app.example.com" (no path)',
    },
    issuer: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      description: 'the OpenID Provider\'s issuer, "https://id.example.com/oidc"',
    },
    clientId: { type: 'string', minLength: 1, description: 'the client id registered at the provider for this route' },
    scope: { type: 'string', pattern: '(^| )openid( |$)', default: D.scope, description: 'space-separated scopes, including "openid"' },
    postLogoutRedirectUri: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      description:
        'where the provider sends the browser after logout (registered as a post_logout_redirect_uri); default: publicUrl + path',
    },
    publicPaths: {
      type: 'array',
      items: {
        type: 'string',
        pattern: '^/',
        description: 'an absolute path: "/favicon.ico" exact, "/static/" a prefix, "/assets/*.css" or "/assets/**" a glob',
      },
      uniqueItems: true,
      default: D.publicPaths,
      description: 'paths served without a session (static assets)',
    },
    session: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: '{ cookieName?, maxAgeSeconds }',
      properties: {
        cookieName: {
          type: 'string',
          pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
          description:
            'the session cookie\'s name (an RFC 6265 token); default "__Host-waymark-gateway" over https, "waymark-gateway" over http',
        },
        maxAgeSeconds: {
          type: 'integer',
          minimum: 60,
          maximum: 604_800,
          default: D.sessionMaxAgeSeconds,
          description: 'the absolute session lifetime, 60 to 604800 seconds',
        },
        loginTimeoutSeconds: {
          type: 'integer',
          minimum: 30,
          maximum: 3600,
          default: D.loginTimeoutSeconds,
          description: 'how long a login may take, 30 to 3600 seconds',
        },
      },
    },
    identity: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: '{ header, ttlSeconds, audience?, claims }',
      properties: {
        header: {
          type: 'string',
          pattern: '^[A-Za-z0-9-]+$',
          default: D.identityHeader,
          description: 'a request header name, "x-waymark-identity"',
        },
        ttlSeconds: {
          type: 'integer',
          minimum: 5,
          maximum: 300,
          default: D.identityTtlSeconds,
          description: "the identity JWT's lifetime, 5 to 300 seconds",
        },
        audience: { type: 'string', minLength: 1, description: 'the identity JWT\'s "aud"; default: the upstream\'s origin' },
        claims: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          default: D.identityClaims,
          description: 'ID token claims copied into the identity JWT',
        },
      },
    },
  },
} as const;

/** A `web` route's config, defaults filled in (what {@link validateWebRouteConfig} returns). */
export type WebRouteConfig = FromSchema<typeof webRouteSchema>;
