import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpRouteConfig } from '../config/types.js';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { routeAuthenticator, missingScopes, type Caller } from '../lib/authenticate.js';
import { readBody } from '../lib/body.js';
import { bearerChallenge, sendJson } from '../lib/challenge.js';
import { copyResponseHead, createUpstream, forwardedHeaders, readUpstreamTls, relay } from '../lib/proxy.js';
import { elapsed, type GatewayRoute, type GatewaySettings, type RouteCall, type RouteDeps } from '../lib/route.js';
import { routeLimits } from '../limits.js';
import { createMediator } from '../mediation.js';
import { auditCall, type CallRecord } from '../observe.js';
import { parseMcpMessage, rpcError, RPC, type McpMessage } from './message.js';
import { protectedResourceMetadata, metadataUrl } from './metadata.js';
import { cibaApprover } from './ciba.js';
import { stepUpGuard, type StepUpGuard } from './step-up.js';
import { filterToolsAnswer } from './tools-list.js';

/*
 * An `mcp` route: the gateway in front of one MCP server. Each request goes through these
 * steps, in order (PingGateway's validate → protect → throttle → mediate, plus audit):
 *
 *   1. origin       Origin not allowed → 403 (MCP transports: DNS rebinding)
 *   2. token        no or bad token → 401 + WWW-Authenticate resource_metadata (RFC 9728 §5.1)
 *   3. message      Accept, Content-Type, JSON-RPC shape, 2026 header mirror → 400/406/415 + JSON-RPC error
 *   4. scopes       per method and per tool → 403 insufficient_scope (RFC 6750 §3.1, MCP step-up)
 *   5. tools        a denied tool is refused as unknown (it is not listed either)
 *   6. limits       per route, tool, client, subject → 429 + Retry-After
 *   7. policy       transactional authorization per tool call → URL elicitation (-32042) naming the approval link
 *   8. mediate      the agent's token is dropped; an exchanged token or API key goes upstream
 *   9. forward      streamed back; a tools/list answer is filtered to the caller's tools
 *  10. record       one audit event and the metrics, whatever the outcome
 */

/** Request headers an MCP server needs (Streamable HTTP); nothing else of the agent's request goes upstream. */
function mcpHeader(name: string): boolean {
  return (
    name === 'content-type' ||
    name === 'accept' ||
    name === 'user-agent' ||
    name === 'last-event-id' ||
    name === 'x-request-id' ||
    name.startsWith('mcp-')
  );
}

const union = (...lists: (readonly string[] | undefined)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))];

export function mcpRoute(config: McpRouteConfig, settings: GatewaySettings, deps: RouteDeps): GatewayRoute {
  const resource = config.resource ?? settings.publicUrl + config.path;
  const metaUrl = metadataUrl(settings.publicUrl, config.path);
  const metadata = protectedResourceMetadata(config, resource);
  const auth = routeAuthenticator(config.token, resource, { clock: deps.clock, fetch: deps.fetch });
  const upstream = createUpstream(config.upstream, readUpstreamTls(config));
  const mediate = createMediator(config.upstreamAuth, {
    clock: deps.clock,
    env: deps.env,
    ...(deps.fetch ? { fetch: deps.fetch as typeof fetch } : {}),
  });
  const limits = routeLimits(config.name, config.rateLimits, deps.rateLimiters);
  const denied = new Set(config.deniedTools ?? []);
  // Security best practices §Session Hijacking: a 2025-era session id is bound to the subject that opened it (this process's memory).
  const sessionOwners = new Map<string, string>();
  const origins = new Set(config.allowedOrigins ?? []);
  const guard: StepUpGuard | undefined =
    config.stepUp && config.stepUp.length > 0
      ? stepUpGuard(config.stepUp, resource, settings.policies, deps, (jwt) => auth.subject(jwt))
      : undefined;
  // Out-of-band approval through CIBA instead of a link, when the gateway has a CIBA client.
  const ciba =
    guard && settings.stepUpCiba
      ? cibaApprover(settings.stepUpCiba, {
          clock: deps.clock,
          env: deps.env,
          ...(deps.fetch ? { fetch: deps.fetch as typeof fetch } : {}),
        })
      : undefined;
  const stepUpUrl = (txId: string) =>
    (settings.stepUpUrl ?? `${new URL(config.token.issuer).origin}/policies/transactions/{txId}/stepup`).replace(
      '{txId}',
      encodeURIComponent(txId),
    );

  const required = (method: string | undefined, tool: string | undefined): string[] =>
    union(config.methodScopes?.['*'], method ? config.methodScopes?.[method] : undefined, tool ? config.toolScopes?.[tool] : undefined);
  const mayCall = (caller: Caller, tool: string) => !denied.has(tool) && missingScopes(caller, required('tools/call', tool)).length === 0;

  async function handle(req: IncomingMessage, res: ServerResponse, call: RouteCall): Promise<void> {
    const suffix = call.suffix;
    const start = performance.now();
    const record: CallRecord = {
      route: config.name,
      method: req.method ?? 'GET',
      decision: 'error',
      status: 500,
      ms: 0,
      requestId: call.requestId,
      ip: req.socket.remoteAddress,
    };
    try {
      await steps(req, res, suffix, record);
    } catch (error) {
      deps.logger?.error('gateway: mcp call failed', { route: config.name, error: error instanceof Error ? error.message : String(error) });
      record.decision = 'error';
      if (!res.headersSent) sendJson(res, 502, rpcError(null, -32603, 'the upstream could not be reached'));
      else res.destroy();
    } finally {
      // Every step awaits its answer (a stream to its end): the time is the whole call's.
      record.status = res.statusCode;
      record.ms = elapsed(start);
      deps.metrics.record(record);
      auditCall(deps.audit, record);
    }
  }

  async function steps(req: IncomingMessage, res: ServerResponse, suffix: string, record: CallRecord): Promise<void> {
    // 1. MCP Streamable HTTP (2025-11-25 §Security Warning): an Origin that is not allowed gets 403.
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) {
      record.decision = 'forbidden_origin';
      return sendJson(res, 403, rpcError(null, RPC.invalidRequest, `Forbidden: origin ${origin} is not allowed`));
    }
    // 2. RFC 9728 §5.1 / MCP authorization: 401 names where the resource metadata is.
    const authn = await auth.authenticate(req);
    if (!authn.ok) {
      record.decision = 'unauthenticated';
      const challenge = bearerChallenge({
        ...(authn.error ? { error: authn.error, description: authn.description } : {}),
        scope: metadata.scopes_supported,
        resourceMetadata: metaUrl,
      });
      return sendJson(
        res,
        authn.status,
        { error: authn.error ?? (authn.status === 503 ? 'temporarily_unavailable' : 'unauthorized'), error_description: authn.description },
        authn.status === 401 ? { 'WWW-Authenticate': challenge } : {},
      );
    }
    const caller = authn.caller;
    Object.assign(record, { sub: caller.sub, act: caller.act, clientId: caller.clientId });

    // 3. The message (POST); GET (a 2025 session's SSE stream) and DELETE (its end) carry none.
    let message: McpMessage | undefined;
    let body: Buffer | undefined;
    if (req.method === 'POST') {
      const accept = req.headers.accept ?? '';
      // Streamable HTTP: a POST must accept both JSON and an SSE stream.
      if (
        !(accept.includes('application/json') || accept.includes('*/*')) ||
        !(accept.includes('text/event-stream') || accept.includes('*/*'))
      ) {
        record.decision = 'invalid';
        return sendJson(
          res,
          406,
          rpcError(null, RPC.invalidRequest, 'Not Acceptable: Accept must list application/json and text/event-stream'),
        );
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        record.decision = 'invalid';
        return sendJson(res, 415, rpcError(null, RPC.invalidRequest, 'Unsupported Media Type: Content-Type must be application/json'));
      }
      body = await readBody(req, settings.bodyLimit);
      if (body === undefined) {
        record.decision = 'invalid';
        return sendJson(res, 413, rpcError(null, RPC.invalidRequest, `the message is larger than ${settings.bodyLimit} bytes`));
      }
      const parsed = parseMcpMessage(body, req.headers);
      if (!parsed.ok) {
        record.decision = 'invalid';
        return sendJson(res, parsed.status, rpcError(parsed.id, parsed.code, parsed.text));
      }
      message = parsed.message;
      record.method = message.method ?? 'response';
      record.tool = message.name;
      record.args = message.args;
    } else if (req.method !== 'GET' && req.method !== 'DELETE') {
      record.decision = 'invalid';
      return sendJson(res, 405, rpcError(null, RPC.invalidRequest, 'Method Not Allowed'), { Allow: 'GET, POST, DELETE' });
    }

    // A session opened by another subject is answered as unknown (404, as Streamable HTTP answers an ended session).
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const owner = sessionOwners.get(sessionId);
      if (owner !== undefined && owner !== caller.sub) {
        record.decision = 'forbidden';
        return sendJson(res, 404, rpcError(message?.id, -32001, 'Session not found'));
      }
    }

    // 4. Scopes per method and per tool. 403 + insufficient_scope lets the client step up (MCP 2025-11-25 §Scope Challenge):
    //    the challenge names the basic scopes (scopes_supported), those granted and those this call needs, so a re-authorization loses none.
    const tool = message?.method === 'tools/call' ? message.name : undefined;
    const needed = required(message?.method, tool);
    if (!(tool !== undefined && denied.has(tool)) && missingScopes(caller, needed).length > 0) {
      record.decision = 'insufficient_scope';
      const challenge = bearerChallenge({
        error: 'insufficient_scope',
        description: `this call needs the scopes ${needed.join(' ')}`,
        scope: union(metadata.scopes_supported, [...caller.scopes], needed),
        resourceMetadata: metaUrl,
      });
      return sendJson(res, 403, rpcError(message?.id, RPC.forbidden, 'insufficient_scope'), { 'WWW-Authenticate': challenge });
    }
    // 5. A denied tool is answered as one that does not exist: refused, and invisible.
    if (tool !== undefined && denied.has(tool)) {
      record.decision = 'forbidden';
      return sendJson(res, 200, rpcError(message?.id, RPC.invalidParams, `Unknown tool: ${tool}`));
    }

    // 6. Rate limits.
    const limited = await limits.consume({ tool, clientId: caller.clientId, sub: caller.sub });
    if (limited) {
      record.decision = 'rate_limited';
      const retry = String(Math.max(1, limited.retryAfterSeconds));
      // RFC 6585 §4 and RFC 9110 §10.2.3.
      return sendJson(res, 429, rpcError(message?.id, RPC.rateLimited, `Too Many Requests: retry after ${retry} s`), {
        'Retry-After': retry,
      });
    }

    // 7. Transactional authorization per tool call.
    if (guard && message) {
      const meta = (message.params?._meta ?? {}) as Record<string, unknown>;
      const txHeader = req.headers[GATEWAY_DEFAULTS.transactionHeader];
      const txId =
        typeof meta[GATEWAY_DEFAULTS.transactionMetaKey] === 'string'
          ? (meta[GATEWAY_DEFAULTS.transactionMetaKey] as string)
          : typeof txHeader === 'string'
            ? txHeader
            : undefined;
      if (ciba && txId !== undefined) {
        const status = await ciba.check(txId, caller.sub);
        if (status === 'approved') await guard.pdp.authenticateTransaction(txId, caller.sub);
        if (status === 'pending') {
          record.decision = 'step_up';
          record.transactionId = txId;
          return sendJson(
            res,
            200,
            rpcError(
              message.id,
              RPC.approvalPending,
              "The approval is still pending on the user's device: retry the call with the transaction id later",
              {
                transactionId: txId,
                approval: { mode: 'ciba' },
                retryWith: { _meta: { [GATEWAY_DEFAULTS.transactionMetaKey]: txId } },
              },
            ),
          );
        }
        if (status === 'denied') {
          record.decision = 'forbidden';
          return sendJson(res, 403, rpcError(message.id, RPC.forbidden, 'Forbidden: the user did not approve this call'));
        }
      }
      const outcome = await guard.decide(message, caller, txId, { requestId: record.requestId, ip: record.ip });
      if (outcome.kind === 'permit') record.transactionId = outcome.txId;
      if (outcome.kind === 'advice') {
        record.decision = 'step_up';
        record.transactionId = outcome.txId;
        if (ciba) {
          // CIBA Core §7.1: the provider reaches the person on their own device; the agent retries with the id once they approve.
          await ciba.request(outcome.txId, caller.sub, tool ?? 'this call');
          return sendJson(
            res,
            200,
            rpcError(
              message.id,
              RPC.approvalPending,
              'This call must be approved by the user: they have been asked on their own device; retry the call with the transaction id once they approve',
              {
                transactionId: outcome.txId,
                approval: { mode: 'ciba' },
                retryWith: { _meta: { [GATEWAY_DEFAULTS.transactionMetaKey]: outcome.txId } },
              },
            ),
          );
        }
        // MCP 2025-11-25 URL elicitation (-32042): the person approves out of band at the link; the agent retries with the id in _meta.
        const url = stepUpUrl(outcome.txId);
        return sendJson(
          res,
          200,
          rpcError(
            message.id,
            RPC.urlElicitationRequired,
            'This call must be approved by the user: open the link, approve, then retry the call with the transaction id',
            {
              elicitations: [{ mode: 'url', elicitationId: outcome.txId, url, message: `Approve ${tool ?? 'this call'}` }],
              transactionId: outcome.txId,
              retryWith: { _meta: { [GATEWAY_DEFAULTS.transactionMetaKey]: outcome.txId } },
            },
          ),
        );
      }
      if (outcome.kind === 'deny') {
        record.decision = 'forbidden';
        return sendJson(res, 403, rpcError(message.id, RPC.forbidden, 'Forbidden: the policy does not allow this call'));
      }
      if (outcome.kind === 'rate-limited') {
        record.decision = 'rate_limited';
        const retry = String(outcome.retryAfterSeconds ?? 60);
        return sendJson(res, 429, rpcError(message.id, RPC.rateLimited, 'Too many transactions: retry later'), { 'Retry-After': retry });
      }
      if (outcome.kind === 'unavailable') {
        record.decision = 'error';
        return sendJson(res, 503, rpcError(message.id, -32603, 'no policy decision could be obtained; retry later'));
      }
    }

    // 8. Token mediation: the agent's token never goes upstream (MCP 2025-11-25 §Token Passthrough).
    const upstreamAuth = await mediate(caller.token);
    const headers = { ...forwardedHeaders(req.headers, mcpHeader), ...upstreamAuth };
    record.decision = 'permit';

    // 9. Forward; stream the answer back as it comes, except a tools/list answer, which is filtered first.
    const answer = await upstream.request({ method: req.method ?? 'GET', path: suffix, headers, body });
    record.upstreamStatus = answer.statusCode;
    const opened = answer.headers['mcp-session-id'];
    if (typeof opened === 'string' && !sessionOwners.has(opened)) {
      if (sessionOwners.size >= GATEWAY_DEFAULTS.sessionBindings) sessionOwners.delete(sessionOwners.keys().next().value as string);
      sessionOwners.set(opened, caller.sub);
    }
    if (message?.method === 'tools/list' && answer.statusCode === 200) {
      const raw = Buffer.from(await answer.body.arrayBuffer());
      const filtered = filterToolsAnswer(String(answer.headers['content-type'] ?? ''), raw, message.id, (name) => mayCall(caller, name));
      if (filtered === undefined) {
        record.decision = 'error';
        return sendJson(res, 502, rpcError(message.id, -32603, 'the upstream answered tools/list in a form the gateway cannot filter'));
      }
      copyResponseHead(res, answer, new Set(['content-length']));
      res.setHeader('Content-Length', filtered.length);
      res.end(filtered);
      return;
    }
    await relay(res, answer);
  }

  // RFC 9728 §3: the metadata (answered by the gateway); the MCP endpoint: POST messages, GET a stream, DELETE a session (MCP streamable HTTP).
  const endpoints = [
    ...(metadata ? [{ method: 'GET', path: `/.well-known/oauth-protected-resource${config.path}` }] : []),
    ...['POST', 'GET', 'DELETE'].map((method) => ({ method, path: config.path })),
  ];
  return { kind: 'mcp', name: config.name, path: config.path, metadata, endpoints, handle, close: () => upstream.close() };
}
