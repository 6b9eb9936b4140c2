import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRouteConfig } from '../config/types.js';
import { routeAuthenticator, missingScopes } from '../lib/authenticate.js';
import { readBody } from '../lib/body.js';
import { bearerChallenge, sendJson } from '../lib/challenge.js';
import { createUpstream, forwardedHeaders, readUpstreamTls, relay } from '../lib/proxy.js';
import { elapsed, type GatewayRoute, type GatewaySettings, type RouteCall, type RouteDeps } from '../lib/route.js';
import { routeLimits } from '../limits.js';
import { createMediator } from '../mediation.js';
import { auditCall, type CallRecord } from '../observe.js';

/*
 * An `api` route: bearer token with the audience bound to the route (RFC 8707), scopes per
 * method and path, the same limits, mediation, audit and metrics as an mcp route; the body is
 * read (up to `bodyLimit`) only once the call is allowed, the answer streamed back.
 *
 *   1. token     → 401 + WWW-Authenticate (RFC 6750 §3)
 *   2. scopes    → 403 insufficient_scope
 *   3. limits    → 429 + Retry-After
 *   4. mediate, forward, record
 */
export function apiRoute(config: ApiRouteConfig, settings: GatewaySettings, deps: RouteDeps): GatewayRoute {
  const resource = config.resource ?? settings.publicUrl + config.path;
  const auth = routeAuthenticator(config.token, resource, { clock: deps.clock, fetch: deps.fetch });
  const upstream = createUpstream(config.upstream, readUpstreamTls(config));
  const mediate = createMediator(config.upstreamAuth, {
    clock: deps.clock,
    env: deps.env,
    ...(deps.fetch ? { fetch: deps.fetch as typeof fetch } : {}),
  });
  const limits = routeLimits(config.name, config.rateLimits, deps.rateLimiters);
  const rules = config.scopes ?? [];

  function required(method: string, path: string): string[] {
    const scopes = new Set<string>();
    for (const rule of rules) {
      if (rule.methods && !rule.methods.includes(method)) continue;
      if (rule.path !== '*' && path !== rule.path && !path.startsWith(rule.path.endsWith('/') ? rule.path : `${rule.path}/`)) continue;
      for (const s of rule.scopes) scopes.add(s);
    }
    return [...scopes];
  }

  async function handle(req: IncomingMessage, res: ServerResponse, call: RouteCall): Promise<void> {
    const suffix = call.suffix;
    const start = performance.now();
    const method = req.method ?? 'GET';
    const path = suffix.split('?')[0] || '/';
    const record: CallRecord = {
      route: config.name,
      method,
      tool: path,
      decision: 'error',
      status: 500,
      ms: 0,
      requestId: call.requestId,
      ip: req.socket.remoteAddress,
    };
    try {
      const authn = await auth.authenticate(req);
      if (!authn.ok) {
        record.decision = 'unauthenticated';
        return sendJson(
          res,
          authn.status,
          { error: authn.error ?? 'unauthorized', error_description: authn.description },
          authn.status === 401
            ? { 'WWW-Authenticate': bearerChallenge(authn.error ? { error: authn.error, description: authn.description } : {}) }
            : {},
        );
      }
      const caller = authn.caller;
      Object.assign(record, { sub: caller.sub, act: caller.act, clientId: caller.clientId });
      const needed = required(method, path);
      if (missingScopes(caller, needed).length > 0) {
        record.decision = 'insufficient_scope';
        return sendJson(
          res,
          403,
          { error: 'insufficient_scope', error_description: `needs ${needed.join(' ')}` },
          { 'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', scope: needed }) },
        );
      }
      const limited = await limits.consume({ tool: path, clientId: caller.clientId, sub: caller.sub });
      if (limited) {
        record.decision = 'rate_limited';
        const retry = String(Math.max(1, limited.retryAfterSeconds));
        return sendJson(res, 429, { error: 'rate_limited', error_description: `retry after ${retry} s` }, { 'Retry-After': retry });
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, settings.bodyLimit);
      if (method !== 'GET' && method !== 'HEAD' && body === undefined) {
        record.decision = 'invalid';
        return sendJson(res, 413, { error: 'invalid_request', error_description: `the body is larger than ${settings.bodyLimit} bytes` });
      }
      const headers = { ...forwardedHeaders(req.headers), ...(await mediate(caller.token)) };
      record.decision = 'permit';
      const answer = await upstream.request({ method, path: suffix, headers, body });
      record.upstreamStatus = answer.statusCode;
      await relay(res, answer);
    } catch (error) {
      deps.logger?.error('gateway: api call failed', { route: config.name, error: error instanceof Error ? error.message : String(error) });
      record.decision = 'error';
      if (!res.headersSent) sendJson(res, 502, { error: 'bad_gateway', error_description: 'the upstream could not be reached' });
      else res.destroy();
    } finally {
      record.status = res.statusCode;
      record.ms = elapsed(start);
      deps.metrics.record(record);
      auditCall(deps.audit, record);
    }
  }

  // Every method under the path is checked and forwarded.
  const endpoints = [{ method: 'ALL', path: `${config.path.replace(/\/+$/, '')}/{path}` }];
  return { kind: 'api', name: config.name, path: config.path, endpoints, handle, close: () => upstream.close() };
}
