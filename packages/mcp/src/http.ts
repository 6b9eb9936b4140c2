import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import express, { Router, type Request, type Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createAccessTokenValidator, type AccessTokenValidator, type FetchLike, type JsonWebKeySet } from '@waymark/access-token';
import type { Clock } from '@waymark/sdk';
import { AdminClient } from './admin-client.js';
import { McpOptionsError } from './errors.js';
import type { ToolFilter } from './safety.js';
import { createWaymarkMcpServer } from './server.js';

/** An authorization server whose access tokens `/mcp` accepts. */
export interface McpTrustedIssuer {
  issuer: string;
  jwksUri?: string;
  jwks?: JsonWebKeySet;
  algorithms?: string[];
}

/** Options of {@link createMcpHttpRouter}. */
export interface McpHttpOptions extends ToolFilter {
  /** The resource identifier of the MCP endpoint, such as `https://login.example.com/mcp`: the `aud` tokens must carry (RFC 8707, RFC 9728 `resource`). */
  resource: string;
  /** The authorization servers trusted for tokens (Waymark's own OpenID Provider), listed in the metadata. */
  trustedIssuers: readonly McpTrustedIssuer[];
  /** The Waymark server whose admin API the tools call. Default: this server, at the address the request came in on. */
  adminUrl?: string;
  /** Open sessions at most (each holds a server and a transport until the client ends it). Default 1000. */
  maxSessions?: number;
  /** Allow writes against a production-mode server (which must allow them too). Default false. */
  allowProductionWrites?: boolean;
  clock?: Clock;
  /** The fetch used for the issuers' key sets. */
  fetch?: FetchLike;
}

const READ_SCOPE = 'waymark:admin:read';
const WRITE_SCOPE = 'waymark:admin:write';
const MAX_SESSIONS = 1000;
const REALM = 'waymark-mcp';
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

interface Session {
  transport: StreamableHTTPServerTransport;
  /** The token's subject: a session is bound to the person who opened it. */
  sub: string;
  /** The caller's current token: the admin API is called with it (refreshed tokens are picked up per request). */
  token: string;
}

/** The RFC 9728 §3.1 metadata URL of a resource: the well-known segment goes between the host and the path. */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname === '/' ? '' : url.pathname}`;
}

const unverifiedIssuer = (token: string): string | undefined => {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
};

/** This server, as the request reached it: the admin API is one hop away on the same socket address. */
function selfUrl(req: Request): string {
  const { localAddress, localPort } = req.socket;
  const host = localAddress?.includes(':') ? `[${localAddress}]` : localAddress;
  return `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}:${localPort}`;
}

/**
 * Waymark's MCP server over streamable HTTP (MCP 2025-11-25 "Streamable HTTP" transport) as an
 * OAuth protected resource: `POST|GET|DELETE /mcp` with a bearer token of a trusted issuer for
 * `resource` carrying `waymark:admin:read`, and the RFC 9728 metadata at
 * `/.well-known/oauth-protected-resource/mcp`. Mount the router at the root of the app. Each
 * MCP session is bound to the token's subject; its tools call the admin API with the caller's
 * token (the admin API accepts the `resource` audience: it is the same resource server behind
 * another door).
 */
export function createMcpHttpRouter(options: McpHttpOptions): Router {
  if (!URL.canParse(options.resource))
    throw new McpOptionsError('resource', 'give the URL of the MCP endpoint, such as "https://login.example.com/mcp"');
  if (options.trustedIssuers.length === 0) throw new McpOptionsError('trustedIssuers', 'list at least one issuer');
  const validators = new Map<string, AccessTokenValidator>();
  for (const trusted of options.trustedIssuers)
    validators.set(
      trusted.issuer,
      createAccessTokenValidator({
        issuer: trusted.issuer,
        audience: options.resource,
        ...(trusted.jwksUri !== undefined ? { jwksUri: trusted.jwksUri } : {}),
        ...(trusted.jwks !== undefined ? { jwks: trusted.jwks } : {}),
        ...(trusted.algorithms !== undefined ? { algorithms: trusted.algorithms } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    );
  const metadataUrl = protectedResourceMetadataUrl(options.resource);
  const path = new URL(options.resource).pathname.replace(/\/+$/, '') || '/mcp';
  const sessions = new Map<string, Session>();
  const router = Router();

  // RFC 9728 §3: the protected resource metadata; §2: resource, authorization_servers, scopes_supported, bearer_methods_supported.
  router.get(`/.well-known/oauth-protected-resource${path}`, (_req, res) => {
    res.set('Cache-Control', 'max-age=300').json({
      resource: options.resource,
      authorization_servers: options.trustedIssuers.map((t) => t.issuer),
      scopes_supported: [READ_SCOPE, WRITE_SCOPE],
      bearer_methods_supported: ['header'],
      resource_name: 'Waymark MCP server',
    });
  });

  const challenge = (res: Response, status: number, attributes: Record<string, string>, code: string, description: string) => {
    // RFC 9728 §5.1: the challenge names the metadata, so a client finds the authorization server.
    const parts = [`realm="${REALM}"`, `resource_metadata="${metadataUrl}"`, ...Object.entries(attributes).map(([k, v]) => `${k}="${v}"`)];
    res
      .status(status)
      .set('WWW-Authenticate', `Bearer ${parts.join(', ')}`)
      .set('Cache-Control', 'no-store')
      .json({ error: attributes.error ?? 'invalid_request', error_description: description, code });
  };

  router.all(path, express.json({ limit: '1mb' }), async (req, res) => {
    const header = req.headers.authorization;
    // RFC 6750 §2.1: the token in the Authorization header only.
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (token === undefined) {
      challenge(
        res,
        401,
        header ? { error: 'invalid_token' } : {},
        'ERR_MCP_TOKEN',
        'send an access token for this MCP server as "Authorization: Bearer <token>"',
      );
      return;
    }
    const issuer = unverifiedIssuer(token);
    const validator = issuer !== undefined ? validators.get(issuer) : undefined;
    const result = validator ? await validator.validate(token) : undefined;
    if (!result?.ok) {
      if (result && !result.ok && result.error.kind === 'unavailable') {
        res.status(503).set('Cache-Control', 'no-store').json({
          error: 'temporarily_unavailable',
          error_description: 'the issuer’s keys cannot be fetched; retry',
          code: 'ERR_MCP_TOKEN',
        });
        return;
      }
      challenge(
        res,
        401,
        { error: 'invalid_token' },
        'ERR_MCP_TOKEN',
        `the token was refused (${result && !result.ok ? result.error.message : 'not issued by a trusted issuer'}): get a new one for ${options.resource}`,
      );
      return;
    }
    if (!result.scopes.includes(READ_SCOPE)) {
      // RFC 6750 §3.1: insufficient_scope names the scope needed.
      challenge(res, 403, { error: 'insufficient_scope', scope: READ_SCOPE }, 'ERR_MCP_TOKEN', `the token lacks the scope "${READ_SCOPE}"`);
      return;
    }
    const sub = result.claims.sub;
    const sessionId = req.headers['mcp-session-id'];
    let session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (session && session.sub !== sub) {
      res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      return;
    }
    if (!session) {
      if (typeof sessionId === 'string' || req.method !== 'POST' || !isInitializeRequest(req.body)) {
        // MCP 2025-11-25 Streamable HTTP §Session Management: an unknown session is 404; the client starts a new one.
        res
          .status(typeof sessionId === 'string' ? 404 : 400)
          .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Start a session with an initialize request first' }, id: null });
        return;
      }
      if (sessions.size >= (options.maxSessions ?? MAX_SESSIONS)) {
        res
          .status(503)
          .set('Retry-After', '60')
          .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Too many open sessions; retry later' }, id: null });
        return;
      }
      const adminUrl = options.adminUrl ?? selfUrl(req);
      const created: Session = { sub, token, transport: undefined as unknown as StreamableHTTPServerTransport };
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, created),
      });
      created.transport = transport;
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const admin = new AdminClient({ url: adminUrl, token: () => created.token, sessionId: randomUUID() });
      // The token's scopes limit the tools: a session opened without the write scope is offered no write tool.
      const server = createWaymarkMcpServer({
        ...options,
        allowWrites: options.allowWrites === true && result.scopes.includes(WRITE_SCOPE),
        admin,
      });
      await server.connect(transport);
      session = created;
    }
    session.token = token;
    await session.transport.handleRequest(req, res, req.body);
  });
  return router;
}
