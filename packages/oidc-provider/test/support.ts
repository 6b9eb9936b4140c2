import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import { createEngine, createMemoryStores, type Engine } from '@waymark/core';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import {
  createOidcProvider,
  type OidcClientConfig,
  type OidcProviderOptions,
  type PrivateJwk,
  type WaymarkOidcProvider,
} from '@waymark/oidc-provider';
import type { Stores } from '@waymark/sdk';

export const SESSION_COOKIE = '__Host-waymark-session';
export const WEB_APP = {
  id: 'profile-app',
  secret: 'profile-app-secret-0123456789abcdef',
  redirect: 'http://127.0.0.1:9/callback',
  loggedOut: 'http://127.0.0.1:9/',
};

const loginFlow = JSON.parse(readFileSync(new URL('../../../flows/login.json', import.meta.url), 'utf8')) as unknown;

/** A flow that only accepts an existing session: without one, the journey fails. */
export const sessionOnlyFlow = {
  id: 'session-only',
  version: 1,
  description: 'Accepts only an existing Waymark session; without one the journey fails.',
  start: 'checkSession',
  nodes: { checkSession: { type: 'session.check', outcomes: { active: 'success', none: 'failure' } } },
};

/** A flow that always asks for the password, even with a session (a step-up `acr_values` can name). */
export const passwordFlow = {
  id: 'password',
  version: 1,
  description: 'Always asks for username and password, even when a session exists.',
  start: 'askCredentials',
  nodes: {
    askCredentials: { type: 'credentials.collect', outcomes: { collected: 'verifyCredentials' } },
    verifyCredentials: { type: 'credentials.verify', outcomes: { valid: 'createSession', invalid: 'askCredentials', locked: 'failure' } },
    createSession: {
      type: 'session.create',
      config: { acr: 'urn:waymark:password', amr: ['pwd'] },
      outcomes: { created: 'success', conflict: 'failure' },
    },
  },
};

let signingKeys: { keys: PrivateJwk[] } | undefined;
/** One RSA signing key per test run (RS256 is the ID token default). */
export async function testJwks(): Promise<{ keys: PrivateJwk[] }> {
  if (!signingKeys) {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    signingKeys = { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-1', alg: 'RS256', use: 'sig' } as PrivateJwk] };
  }
  return signingKeys;
}

let usersFile: string | undefined;
/** The users file of {@link testUsers} (for a provider in another process). */
export async function testUsersFile(): Promise<string> {
  if (!usersFile) {
    const passwordHash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
    usersFile = join(mkdtempSync(join(tmpdir(), 'waymark-oidc-')), 'users.json');
    writeFileSync(usersFile, JSON.stringify({ users: [{ sub: 'user-alice', username: 'alice', passwordHash }] }));
  }
  return usersFile;
}

/** alice / correct horse, hashed with cheap scrypt parameters. */
export async function testUsers(): Promise<FileUserStore> {
  return new FileUserStore(await testUsersFile());
}

export function webAppClient(flows: string[] = ['login'], extra: Partial<OidcClientConfig> = {}): OidcClientConfig {
  return {
    client_id: WEB_APP.id,
    client_secret: WEB_APP.secret,
    redirect_uris: [WEB_APP.redirect],
    post_logout_redirect_uris: [WEB_APP.loggedOut],
    waymark: { flows },
    ...extra,
  };
}

export interface Stack {
  issuer: string;
  origin: string;
  stores: Stores;
  engine: Engine;
  op: WaymarkOidcProvider;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with a handler set later (the issuer needs the port). */
export async function listen(): Promise<{
  server: Server;
  origin: string;
  handle(listener: RequestListener): void;
  close(): Promise<void>;
}> {
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    handle(listener) {
      handler = listener;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An express app on loopback with the provider at `/oidc`, the login flows loaded, memory stores unless given. */
export async function startStack(
  options: {
    clients?: OidcClientConfig[];
    stores?: Stores;
    cookieKeys?: string[];
    secretKeys?: string[];
    extra?: Partial<OidcProviderOptions>;
  } = {},
): Promise<Stack> {
  const stores = options.stores ?? createMemoryStores();
  const engine = await createEngine({
    nodes: builtinNodes,
    stores,
    services: { users: await testUsers() },
    ...(options.secretKeys ? { secretKeys: options.secretKeys } : {}),
  });
  for (const flow of [loginFlow, sessionOnlyFlow, passwordFlow]) engine.load(flow);
  const http = await listen();
  const issuer = `${http.origin}/oidc`;
  const op = createOidcProvider({
    issuer,
    engine,
    stores,
    clients: options.clients ?? [webAppClient()],
    jwks: await testJwks(),
    cookieKeys: options.cookieKeys ?? ['a-cookie-signing-key-of-32-characters-or-more'],
    ...options.extra,
  });
  const app = express();
  app.use(op.router);
  http.handle(app);
  return { issuer, origin: http.origin, stores, engine, op, close: http.close };
}

/** A minimal browser: a cookie jar (by name; these tests use one host) and manual redirects. */
export class Browser {
  readonly cookies = new Map<string, string>();

  #store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(res);
    return res;
  }

  /** Follows redirects from `url` until one leaves for `stopAt` (returned) or a page answers (returned with its body). */
  async follow(
    url: string,
    stopAt: string,
    init: RequestInit = {},
  ): Promise<{ url: string; status: number; body: string; location?: string; headers: Headers }> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location)
        return { url: current, status: res.status, body: await res.text(), headers: res.headers };
      const next = new URL(location, current).href;
      if (next.startsWith(stopAt)) return { url: current, status: res.status, body: '', location: next, headers: res.headers };
      await res.arrayBuffer();
      current = next;
      res = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The hidden and named inputs of the first form of a page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  const action = /action="([^"]*)"/.exec(form[0])?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[1]!.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (/value="([^"]*)"/.exec(input[0])?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return { action: action.replace(/&amp;/g, '&'), fields };
}
