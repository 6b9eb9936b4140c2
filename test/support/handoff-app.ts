import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import request from 'supertest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import type { PushedRequestStore, Stores } from '@waymark/sdk';
import { createWaymarkRouter, type ClientConfig, type WaymarkRouter } from '@waymark/express';
import { captureLogger } from './capture-logger.js';
import { CHALLENGE } from './pkce.js';
import { SHIPPED_VARIABLES } from './shipped-variables.js';
import { TestClock } from './test-clock.js';

/*
 * The handoff through the real adapter: the shipped flows/session-transfer.json, PAR, then
 * authorize, with real ES256 tokens and a JWKS served over HTTP on a loopback port. The flow
 * names Waymark's own provider through the shipped config's variables (http://localhost:3000/oidc); the engine's
 * fetch sends those URLs to the local JWKS server instead, so the shipped flow runs unchanged.
 */

export const DEMO_AS = 'http://localhost:3000/oidc';
export const AUDIENCE = 'http://localhost:3000/session-transfer';
export const HANDOFF_ISSUER = 'http://localhost:3000';
export const SESSION_COOKIE = '__Host-waymark-session';
export const TARGET = 'https://profile.example.com/me';

export const sessionTransferClient = {
  client_id: 'session-transfer',
  type: 'session-transfer',
  token_endpoint_auth_method: 'none',
  require_pushed_authorization_requests: true,
  par_reference_timeout: 60,
  pkce: 'S256_REQUIRED',
  allowed_flows: ['session-transfer'],
  redirect_targets: ['https://profile.example.com/', 'http://localhost:4000/'],
  allowed_pushed_parameters: ['subject_token', 'subject_token_type', 'target', 'ip'],
  allowed_scopes: ['session_transfer'],
} satisfies ClientConfig;

export const mobileClient = {
  client_id: 'mobile-app',
  type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['com.example.app:/callback'],
  allowed_flows: ['session-transfer'],
} satisfies ClientConfig;

export const shippedFlow = JSON.parse(readFileSync(new URL('../../flows/session-transfer.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

export interface Keys {
  privateKey: CryptoKey;
  jwk: JWK;
}

let keys: Promise<Keys> | undefined;
/** One ES256 key pair per test file (jose caches a remote JWKS per URL for the whole module). */
export function signingKeys(): Promise<Keys> {
  keys ??= (async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'demo-1', alg: 'ES256', use: 'sig' };
    return { privateKey: pair.privateKey, jwk };
  })();
  return keys;
}

/** Serves `{ keys: [jwk] }` at any path on 127.0.0.1 and an ephemeral port. */
export async function serveJwks(jwk: JWK): Promise<{ base: string; close(): Promise<void>; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A fetch that sends the demo authorization server's URLs to the local JWKS server. */
export function demoFetch(base: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(DEMO_AS) ? base + url.slice(DEMO_AS.length) : url, init);
  };
}

/** An RFC 9068 access token of the native app, as the demo AS would issue it. */
export async function mintToken(
  clock: TestClock,
  claims: Record<string, unknown> = {},
  options: { alg?: string; typ?: string; key?: CryptoKey } = {},
): Promise<string> {
  const { privateKey } = await signingKeys();
  const now = Math.floor(clock.now() / 1000);
  const payload = {
    iss: DEMO_AS,
    aud: AUDIENCE,
    sub: 'user-alice',
    client_id: 'mobile-app',
    scope: 'openid profile',
    iat: now,
    exp: now + 300,
    jti: `jti-${now}-${Math.random()}`,
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', typ: options.typ ?? 'at+jwt', kid: 'demo-1' })
    .sign(options.key ?? privateKey);
}

export interface HandoffApp {
  app: Express;
  router: WaymarkRouter;
  engine: Engine;
  clock: TestClock;
  stores: Stores;
  logger: ReturnType<typeof captureLogger>;
}

export async function handoffApp(
  jwksBase: string,
  options: {
    trustedProxies?: string[];
    flows?: unknown[];
    clients?: unknown[];
    /** The router's pushed-request store in place of the memory one (given the memory one). */
    pushedRequests?: (memory: PushedRequestStore) => PushedRequestStore;
  } = {},
): Promise<HandoffApp> {
  const clock = new TestClock();
  const memory = createMemoryStores(clock);
  const stores = options.pushedRequests ? { ...memory, pushedRequests: options.pushedRequests(memory.pushedRequests) } : memory;
  const logger = captureLogger();
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, logger, fetch: demoFetch(jwksBase), variables: SHIPPED_VARIABLES });
  engine.load(shippedFlow);
  for (const flow of options.flows ?? []) engine.load(flow);
  const router = createWaymarkRouter({
    issuer: HANDOFF_ISSUER,
    clients: options.clients ?? [sessionTransferClient, mobileClient],
    stores,
    clock,
    logger,
    engine,
    parRateLimit: false,
    trustedProxies: options.trustedProxies ?? [],
  });
  const app = express();
  app.use('/', router);
  return { app, router, engine, clock, stores, logger };
}

/** The PAR body of the session-transfer client with these parameters (undefined ones left out). */
export function handoffForm(params: Record<string, string | undefined>): string {
  const body = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    client_id: 'session-transfer',
    response_type: 'code',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    target: TARGET,
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) body.append(k, v);
  return body.toString();
}

/** POST /par as the session-transfer client: the raw answer. */
export function pushRaw(app: Express, params: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  return request(app).post('/par').set(headers).type('form').send(handoffForm(params));
}

/** The app's back channel: POST /par as the session-transfer client. Returns the request_uri. */
export async function pushHandoff(
  app: Express,
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await pushRaw(app, params, headers);
  if (res.status !== 201) throw new Error(`PAR failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.request_uri as string;
}

/**
 * Puts a pushed request straight into the store, as a PAR endpoint that checked nothing (and
 * ran no push phase) would have kept it, token and all: what proves that the flow and the final
 * redirect check still refuse on their own. Returns its request_uri.
 */
export async function plantPushedRequest(
  stores: Stores,
  clock: TestClock,
  params: Record<string, string>,
  clientId = 'session-transfer',
): Promise<string> {
  const id = `planted-${Math.random().toString(36).slice(2)}`;
  await stores.pushedRequests.put(
    id,
    {
      clientId,
      params: { client_id: clientId, response_type: 'code', target: TARGET, ...params },
      ip: '127.0.0.1',
      createdAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    },
    60,
  );
  return `urn:ietf:params:oauth:request_uri:${id}`;
}

/** The browser's front channel: GET /authorize?client_id&request_uri. */
export function authorizeUrl(requestUri: string, clientId = 'session-transfer'): string {
  return `/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri }).toString()}`;
}

/** The Set-Cookie headers of a response, as an array. */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const value = res.headers['set-cookie'];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/** Set-Cookie headers that set a value (not clears). */
export function cookieSets(res: { headers: Record<string, unknown> }): string[] {
  return setCookies(res).filter((c) => !/Max-Age=0/i.test(c));
}

export function sessionIdFrom(res: { headers: Record<string, unknown> }): string | undefined {
  const line = setCookies(res).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return line?.slice(SESSION_COOKIE.length + 1).split(';')[0];
}
