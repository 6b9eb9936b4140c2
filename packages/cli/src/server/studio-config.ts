import express, { type Express } from 'express';
import { createStudioHandler, type StudioClientConfig } from '@waymark/studio';
import type { AdminSettings } from './admin-config.js';
import type { ResolvedOidcSettings } from './oidc-config.js';

/** Where `waymark serve` serves the studio: beside the admin API, on the issuer's origin. */
export const STUDIO_PATH = '/studio';
/** The scopes the studio asks for: read to see, write to save and activate. */
export const STUDIO_SCOPE = 'openid waymark:admin:read waymark:admin:write';

/**
 * How the studio page signs in: code + PKCE at Waymark's own provider, with the public client
 * that lists `<origin>/studio/callback` among its redirect URIs (the shipped `waymark-admin`),
 * for the admin API's audience. Without such a client (or when the admin API does not trust the
 * provider) the page says what to add instead of a sign-in button.
 */
/** What the studio reads of a client configuration (the one top-level `clients` list). */
interface ClientShape {
  client_id?: unknown;
  token_endpoint_auth_method?: unknown;
  redirect_uris?: unknown;
  cors_policy?: unknown;
  cors_origins?: unknown;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function studioClientConfig(input: {
  issuer: string;
  admin: AdminSettings;
  oidc: ResolvedOidcSettings | undefined;
  clients: readonly unknown[];
}): StudioClientConfig {
  const origin = new URL(input.issuer).origin;
  const redirectUri = `${origin}${STUDIO_PATH}/callback`;
  const audience = input.admin.audience ?? `${input.issuer.replace(/\/+$/, '')}/admin`;
  const base = { mode: 'server' as const, adminApi: `${origin}/admin/v1` };
  const help = (why: string) => ({ ...base, signInHelp: `Sign-in is not configured: ${why}` });
  if (!input.oidc) return help('add an "oidc" section (Waymark\'s own provider) with a public client for the studio.');
  const client = (input.clients as ClientShape[]).find(
    (c) => c?.token_endpoint_auth_method === 'none' && list(c.redirect_uris).includes(redirectUri),
  );
  if (!client)
    return help(
      `add "${redirectUri}" to the "redirect_uris" of a public client (token_endpoint_auth_method "none") of the "clients" list, such as "waymark-admin".`,
    );
  // The page redeems its code with fetch, which sends Origin: the provider answers only the origins the client lists.
  if (client.cors_policy !== 'any_origin' && !list(client.cors_origins).includes(origin))
    return help(`add "${origin}" to "cors_origins" of the client "${String(client.client_id)}", so the page may call the token endpoint.`);
  if (!input.admin.issuers.some((i) => i.issuer === input.oidc!.issuer))
    return help(
      `add { "issuer": "${input.oidc.issuer}" } to "admin.issuers", so the admin API trusts the tokens of Waymark's own provider.`,
    );
  return {
    ...base,
    signIn: { issuer: input.oidc.issuer, clientId: String(client.client_id), redirectUri, resource: audience, scope: STUDIO_SCOPE },
  };
}

/**
 * The app `waymark serve` listens with, plus the studio at `/studio` when the admin API is on
 * (the page is useless without it). The page is served under its own strict CSP
 * (@waymark/studio: script-src 'self', no unsafe-eval).
 */
export function withStudio(
  app: Express,
  input: { issuer: string; admin: AdminSettings | undefined; oidc: ResolvedOidcSettings | undefined; clients: readonly unknown[] },
): Express {
  if (input.admin === undefined) return app;
  const outer = express();
  outer.disable('x-powered-by');
  outer.use(STUDIO_PATH, createStudioHandler({ config: studioClientConfig({ ...input, admin: input.admin }) }));
  outer.use(app);
  return outer;
}
