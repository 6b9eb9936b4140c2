import type { Client } from '@waymark/core';
import type { KoaContextWithOIDC } from 'oidc-provider';

type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

/**
 * Koa middleware on the provider for what oidc-provider's own checks leave open, for clients of
 * the client store:
 * - `request_object_signature: "allow_unsigned"`: see {@link unsignedRequest}.
 * - `token_endpoint_auth_method`: oidc-provider takes client_secret_basic and
 *   client_secret_post interchangeably; a `client_secret_post` client presenting Basic
 *   credentials is refused (invalid_client) as RFC 6749 §2.3 registers one method per client.
 * - `par_reference_timeout`: the pushed request's `expires_in` (RFC 9126 §2.2) says the
 *   client's timeout (the adapter stores it for that long).
 */
/**
 * `request_object_signature: "allow_unsigned"` (PingOne's "allow unsigned request parameters"):
 * oidc-provider accepts signed request objects only, so an unsigned one (`alg: none`, RFC 9101
 * §6.1 allows it where the server does) of a client that allows them is unpacked into plain
 * parameters before oidc-provider sees the request. Its `client_id` must match the request's
 * (RFC 9101 §5). Every other client's unsigned object reaches oidc-provider and is refused.
 */
async function unsignedRequest(
  request: string,
  clientId: unknown,
  find: (clientId: string) => Promise<Client | undefined>,
): Promise<Record<string, string> | undefined> {
  const [header, payload, signature] = request.split('.');
  if (header === undefined || payload === undefined || signature !== '' || typeof clientId !== 'string') return undefined;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg !== 'none') return undefined;
    const client = await find(clientId);
    if (client?.requestObjectSignature !== 'allow_unsigned') return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (claims.client_id !== undefined && claims.client_id !== clientId) return undefined;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(claims)) {
      if (['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'request', 'request_uri'].includes(name)) continue;
      if (typeof value === 'string') params[name] = value;
      else if (typeof value === 'number') params[name] = String(value);
      else if (name === 'claims' && value !== null && typeof value === 'object') params[name] = JSON.stringify(value);
    }
    return { ...params, client_id: clientId };
  } catch {
    return undefined;
  }
}

export function storeClientChecks(deps: {
  mountPath: string;
  find: (clientId: string) => Promise<Client | undefined>;
}): ProviderMiddleware {
  const tokenLike = new Set(
    ['/token', '/request', '/token/revocation', '/token/introspection', '/backchannel', '/device/auth'].map((p) => `${deps.mountPath}${p}`),
  );
  const authorization = `${deps.mountPath}/auth`;
  return async function storeClientChecks(ctx, next) {
    if (ctx.method === 'GET' && ctx.path === authorization && typeof ctx.query.request === 'string') {
      const unsigned = await unsignedRequest(ctx.query.request, ctx.query.client_id, deps.find);
      if (unsigned) ctx.query = unsigned;
      return next();
    }
    if (ctx.method !== 'POST' || !tokenLike.has(ctx.path)) return next();
    const header = ctx.get('authorization');
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const clientId = decodeURIComponent(decoded.slice(0, Math.max(0, decoded.indexOf(':'))).replace(/\+/g, ' '));
      const client = clientId === '' ? undefined : await deps.find(clientId);
      if (client && client.authMethod !== 'client_secret_basic') {
        ctx.status = 401;
        ctx.body = {
          error: 'invalid_client',
          error_description: `this client authenticates with ${client.authMethod}, not client_secret_basic`,
        };
        return;
      }
    }
    await next();
    if (ctx.path === `${deps.mountPath}/request` && ctx.status === 201) {
      const body = ctx.body as { expires_in?: number } | undefined;
      const clientId = ctx.oidc?.client?.clientId;
      const client = clientId ? await deps.find(clientId) : undefined;
      if (body && client && typeof body.expires_in === 'number') body.expires_in = Math.min(body.expires_in, client.parReferenceTimeout);
    }
  };
}
