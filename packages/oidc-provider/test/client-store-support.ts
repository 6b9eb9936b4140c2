import * as oidc from 'openid-client';
import { MemoryClientStore } from '@waymark/core';
import type { JsonObject } from '@waymark/sdk';
import { Browser, formOf, startStack, type Stack } from './support.js';

/*
 * A provider whose clients come from the client store (the one registry the adapter serves
 * too), and the steps a real client takes against it with openid-client.
 */

export const REDIRECT = 'http://127.0.0.1:9/cb';
export const SECRET = 'a-client-secret-of-at-least-32-characters!';

export interface StoreStack extends Stack {
  clients: MemoryClientStore;
  /** Puts a client (Waymark client JSON) into the store; a secret goes beside it, as the seed does. */
  put(config: JsonObject, options?: { enabled?: boolean }): Promise<void>;
}

export async function startStoreStack(extra: Parameters<typeof startStack>[0] = {}): Promise<StoreStack> {
  const clients = new MemoryClientStore();
  const stack = await startStack({ ...extra, extra: { clientStore: clients, ...extra.extra } });
  return {
    ...stack,
    clients,
    async put(config, options = {}) {
      const { client_secret: secret, ...rest } = config as JsonObject & { client_id: string; client_secret?: string };
      const current = await clients.get(rest.client_id);
      const saved = await clients.put(
        rest.client_id,
        { config: rest, ...(typeof secret === 'string' ? { secret } : {}), enabled: options.enabled ?? true, updatedAt: Date.now(), updatedBy: 'test' },
        current?.revision ?? null,
      );
      if (saved === false) throw new Error('client store write lost');
    },
  };
}

/** A web client of the store: confidential (client_secret_basic), code flow, the login flow. */
export function webClient(id: string, extra: JsonObject = {}): JsonObject {
  return {
    client_id: id,
    type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: SECRET,
    redirect_uris: [REDIRECT],
    allowed_flows: ['login'],
    allowed_scopes: ['openid'],
    ...extra,
  };
}

/** openid-client's view of a client of the stack. */
export async function configFor(
  stack: Stack,
  clientId: string,
  auth: oidc.ClientAuth = oidc.ClientSecretBasic(SECRET),
  metadata: Partial<oidc.ClientMetadata> = {},
): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(stack.issuer), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}

/** Runs the login journey from an authorization URL (alice signs in); returns where the provider sent the browser. */
export async function signIn(url: URL | string, browser = new Browser(), stopAt = REDIRECT): Promise<{ location: string; page?: string }> {
  const page = await browser.follow(String(url), stopAt);
  if (page.location !== undefined) return { location: page.location };
  if (!page.body.includes('<form')) return { location: page.url, page: page.body };
  const { action, fields } = formOf(page.body);
  const named = (type: string) => new RegExp(`name="(IDToken\\d+)" type="${type}"`).exec(page.body)?.[1] ?? '';
  const done = await browser.follow(new URL(action, page.url).href, stopAt, {
    method: 'POST',
    body: new URLSearchParams({ ...fields, [named('text')]: 'alice', [named('password')]: 'correct horse' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { location: done.location ?? done.url, ...(done.location ? {} : { page: done.body }) };
}

/** A full authorization code flow with PKCE: the token response. */
export async function codeFlow(
  config: oidc.Configuration,
  parameters: Record<string, string> = {},
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...parameters,
  });
  const { location } = await signIn(url);
  return oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, idTokenExpected: true });
}

/** The `error` a redirect (or an error page) carries. */
export function errorOf(location: string, page?: string): string | null {
  if (page !== undefined) return /(invalid_[a-z_]+|unauthorized_client|unsupported_response_type|access_denied)/.exec(page)?.[1] ?? null;
  return new URL(location).searchParams.get('error');
}
