/*
 * Sign-in for `waymark serve`'s studio: OAuth 2.0 authorization code with PKCE (RFC 7636) at
 * Waymark's own OpenID Provider, as a public client (the shipped `waymark-admin`), asking for an
 * access token for the admin API (RFC 8707 `resource`). The token lives in sessionStorage (this
 * tab only, gone when it closes); the verifier and state only until the callback.
 */
import type { StudioConfig } from './config';

type SignIn = NonNullable<Extract<StudioConfig, { mode: 'server' }>['signIn']>;
const TOKEN = 'waymark-studio-token';
const PENDING = 'waymark-studio-pending';

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer: string): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the provider's discovery answered ${res.status}`);
  return res.json();
}

/** The access token of this tab, when it has one that has not expired. */
export function currentToken(): string | undefined {
  const raw = sessionStorage.getItem(TOKEN);
  if (!raw) return undefined;
  const { token, expiresAt } = JSON.parse(raw) as { token: string; expiresAt: number };
  return Date.now() < expiresAt ? token : undefined;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
}

/** Sends the browser to the provider's authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export async function startSignIn(signIn: SignIn, returnTo: string): Promise<void> {
  const metadata = await discover(signIn.issuer);
  const verifier = random();
  const state = random();
  // RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier))).
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: signIn.redirectUri,
    scope: signIn.scope,
    resource: signIn.resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.href);
}

/** On the redirect URI: checks `state`, redeems the code (RFC 6749 §4.1.3 with the verifier), keeps the token; returns where to go. */
export async function finishSignIn(signIn: SignIn, callback: URL): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  const error = callback.searchParams.get('error');
  if (error) throw new Error(`sign-in refused: ${error} ${callback.searchParams.get('error_description') ?? ''}`.trim());
  // RFC 6749 §10.12: the state must be the one this tab sent.
  if (!pending || callback.searchParams.get('state') !== pending.state) throw new Error('sign-in answer does not match the request (state): sign in again');
  const metadata = await discover(signIn.issuer);
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: signIn.redirectUri,
      client_id: signIn.clientId,
      code_verifier: pending.verifier,
      resource: signIn.resource,
    }),
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`the token endpoint refused: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim());
  sessionStorage.setItem(TOKEN, JSON.stringify({ token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 300) * 1000 - 10_000 }));
  return pending.returnTo;
}
