import type { Client } from '@waymark/core';
import type { KoaContextWithOIDC } from 'oidc-provider';

type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

/**
 * Koa middleware on the provider for what oidc-provider's own checks leave open, for clients of
 * the client store:
 * - `token_endpoint_auth_method`: oidc-provider takes client_secret_basic and
 *   client_secret_post interchangeably; a `client_secret_post` client presenting Basic
 *   credentials is refused (invalid_client) as RFC 6749 §2.3 registers one method per client.
 * - `par_reference_timeout`: the pushed request's `expires_in` (RFC 9126 §2.2) says the
 *   client's timeout (the adapter stores it for that long).
 */
export function storeClientChecks(deps: { mountPath: string; find: (clientId: string) => Promise<Client | undefined> }): ProviderMiddleware {
  const tokenLike = new Set(['/token', '/request', '/token/revocation', '/token/introspection', '/backchannel', '/device/auth'].map((p) => `${deps.mountPath}${p}`));
  return async function storeClientChecks(ctx, next) {
    if (ctx.method !== 'POST' || !tokenLike.has(ctx.path)) return next();
    const header = ctx.get('authorization');
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const clientId = decodeURIComponent(decoded.slice(0, Math.max(0, decoded.indexOf(':'))).replace(/\+/g, ' '));
      const client = clientId === '' ? undefined : await deps.find(clientId);
      if (client && client.authMethod !== 'client_secret_basic') {
        ctx.status = 401;
        ctx.body = { error: 'invalid_client', error_description: `this client authenticates with ${client.authMethod}, not client_secret_basic` };
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
