import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes, FileUserStore, hashPassword } from '@waymark/nodes';
import { createOidcProvider, type PrivateJwk } from '@waymark/oidc-provider';
import { testClock, type TestClock } from '@waymark/testing';
import type { AuditEvent } from '@waymark/sdk';
import { createWebRoute, type SigningJwk, type WebRouteDeps } from '@waymark/gateway';

/*
 * The parts of a web route test, all real: a Waymark OpenID Provider with the shipped login
 * flow (alice / correct horse), an upstream web app that verifies the identity header the way
 * an app behind the gateway would, and the gateway itself on its own port. The provider is
 * reached as `localhost`, the gateway as `127.0.0.1`: two hosts, so their cookies stay apart
 * as they would across domains (CDSSO).
 */

export const CLIENT = { id: 'app-gateway', secret: 'app-gateway-secret-0123456789abcdef' };
export const SESSION_KEYS = ['a-session-key-of-at-least-32-characters-0001'];
export const IDENTITY_HEADER = 'x-waymark-identity';
export const PASSWORD = 'correct horse';

/** A server on loopback whose handler is set later (its URL is needed first). */
export async function listen(): Promise<{ server: Server; port: number; handle(listener: RequestListener): void; close(): Promise<void> }> {
  let handler: RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    handle: (listener) => void (handler = listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the upstream saw of one request. */
export interface Seen {
  path: string;
  /** The identity header as received (undefined when absent). */
  header: string | undefined;
  /** Its claims when it verified with the gateway's key, audience and issuer; undefined otherwise. */
  identity: JWTPayload | undefined;
  /** Why it did not verify, when present and refused. */
  refused: string | undefined;
  cookie: string | undefined;
}

export interface Harness {
  gateway: string;
  issuer: string;
  upstream: string;
  clock: TestClock;
  seen: Seen[];
  audit: Partial<AuditEvent>[];
  signing: SigningJwk;
  /** Starts (or restarts) the gateway with another route config over the same provider and upstream. */
  route(extra?: Record<string, unknown>, deps?: Partial<WebRouteDeps>): void;
  /** Serves another handler on the gateway's port (a whole gateway, say). */
  serve(listener: RequestListener): void;
  close(): Promise<void>;
}

let usersFile: string | undefined;
async function users(): Promise<FileUserStore> {
  if (!usersFile) {
    const passwordHash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
    usersFile = join(mkdtempSync(join(tmpdir(), 'waymark-gateway-')), 'users.json');
    writeFileSync(usersFile, JSON.stringify({ users: [{ sub: 'user-alice', username: 'alice', passwordHash }] }));
  }
  return new FileUserStore(usersFile);
}

/** Upstream pages: a page that greets the verified subject with a sign-out button, a stylesheet, a signed-out page. */
function upstreamApp(seen: Seen[], verify: (req: IncomingMessage) => Promise<Seen>): RequestListener {
  return (req, res) => {
    void verify(req).then((entry) => {
      seen.push(entry);
      if (entry.path.startsWith('/static/')) return void res.writeHead(200, { 'content-type': 'text/css' }).end('body { color: teal }');
      if (entry.path === '/signed-out')
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>Bye</title><p>Signed out of the app</p>');
      const who = entry.identity?.sub ?? 'nobody';
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><title>App</title><h1>Hello ${who}</h1><p id="path">${entry.path}</p>` +
            '<form method="post" action="/_waymark/logout"><button type="submit">Sign out</button></form>',
        );
    });
  };
}

/**
 * The provider, the upstream and a gateway with one `web` route (`/static/` public, the
 * signed-out page public, logout back to it). `route()` swaps the route's config.
 */
export async function startHarness(): Promise<Harness> {
  const clock = testClock(Date.now());
  const [opHttp, gwHttp, upHttp] = [await listen(), await listen(), await listen()];
  const gateway = `http://127.0.0.1:${gwHttp.port}`;
  const issuer = `http://localhost:${opHttp.port}/oidc`;
  const upstream = `http://127.0.0.1:${upHttp.port}`;

  const stores = createMemoryStores();
  const engine = await createEngine({ nodes: builtinNodes, stores, services: { users: await users() } });
  engine.load(JSON.parse(readFileSync(new URL('../../../../flows/login.json', import.meta.url), 'utf8')));
  const { privateKey: opKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const op = createOidcProvider({
    issuer,
    engine,
    stores,
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${gateway}/_waymark/callback`, `${gateway}/app/_waymark/callback`],
        post_logout_redirect_uris: [`${gateway}/signed-out`, `${gateway}/app`],
        waymark: { flows: ['login'] },
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(opKey)), kid: 'op-1', alg: 'RS256', use: 'sig' } as PrivateJwk] },
    cookieKeys: ['a-cookie-signing-key-of-32-characters-or-more'],
  });
  const opApp = express();
  opApp.use(op.router);
  opHttp.handle(opApp);

  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: 'gw-1', alg: 'ES256' } as SigningJwk;
  const { d: _d, ...publicKey } = signing;
  const keys = createLocalJWKSet({ keys: [publicKey as JWK] });
  const seen: Seen[] = [];
  // The app trusts only a JWT the gateway signed for it, with the gateway as issuer, fresh by the test clock.
  const verify = async (req: IncomingMessage): Promise<Seen> => {
    const raw = req.headers[IDENTITY_HEADER];
    const header = Array.isArray(raw) ? raw.join(',') : raw;
    const entry: Seen = { path: req.url ?? '', header, identity: undefined, refused: undefined, cookie: req.headers.cookie };
    if (header === undefined) return entry;
    try {
      entry.identity = (
        await jwtVerify(header, keys, {
          audience: upstream,
          issuer: [gateway, `${gateway}/app`],
          algorithms: ['ES256'],
          currentDate: new Date(clock.now()),
        })
      ).payload;
    } catch (error) {
      entry.refused = (error as { code?: string }).code ?? String(error);
    }
    return entry;
  };
  upHttp.handle(upstreamApp(seen, verify));

  const audit: Partial<AuditEvent>[] = [];
  const harness: Harness = {
    gateway,
    issuer,
    upstream,
    clock,
    seen,
    audit,
    signing,
    route(extra = {}, deps = {}) {
      const app = express();
      app.use(
        createWebRoute(
          {
            upstream,
            publicUrl: gateway,
            issuer,
            clientId: CLIENT.id,
            publicPaths: ['/static/', '/signed-out'],
            postLogoutRedirectUri: `${gateway}/signed-out`,
            ...extra,
          },
          {
            keys: { session: SESSION_KEYS, signing, clientSecret: CLIENT.secret },
            clock,
            auditor: { emit: (e) => void audit.push(e as Partial<AuditEvent>) },
            ...deps,
          },
        ),
      );
      app.use((_req, res) => void res.status(404).send('outside every route'));
      gwHttp.handle(app);
    },
    serve(listener) {
      gwHttp.handle(listener);
    },
    close: async () => {
      await Promise.all([opHttp.close(), gwHttp.close(), upHttp.close()]);
    },
  };
  harness.route();
  return harness;
}

/** A minimal browser for the attack tests: a cookie jar per host (by name) and manual redirects. */
export class Jar {
  readonly cookies = new Map<string, Map<string, string>>();

  #store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  of(url: string): Map<string, string> {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    return jar;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const jar = this.of(url);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#store(url, res);
    return res;
  }

  /** Follows redirects until one points at `stopAt` (returned as `location`) or a page answers. */
  async follow(
    url: string,
    stopAt: string,
    init: RequestInit = {},
  ): Promise<{ url: string; status: number; body: string; location?: string }> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 12; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, status: res.status, body: await res.text() };
      const next = new URL(location, current).href;
      await res.arrayBuffer();
      if (next.startsWith(stopAt)) return { url: current, status: res.status, body: '', location: next };
      current = next;
      res = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** Signs alice in on the provider's credentials page (a page reached by `follow`), following to `stopAt`. */
export async function signInAtProvider(jar: Jar, page: { url: string; body: string }, stopAt: string) {
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form) throw new Error(`no form in page: ${page.body.slice(0, 300)}`);
  const action = (/action="([^"]*)"/.exec(form[0])?.[1] ?? '').replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form[1]!.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (/value="([^"]*)"/.exec(input[0])?.[1] ?? '').replace(/&amp;/g, '&');
  }
  const named = (type: string) => new RegExp(`name="(IDToken\\d+)" type="${type}"`).exec(page.body)?.[1] ?? '';
  const body = new URLSearchParams({ ...fields, [named('text')]: 'alice', [named('password')]: PASSWORD });
  return jar.follow(new URL(action, page.url).href, stopAt, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
