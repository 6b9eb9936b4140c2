import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * Stand-in servers for end-to-end tests, all plain node:http on 127.0.0.1 with an ephemeral
 * port. Neither is Waymark: one is the authorization server that issued the native app's
 * access token, the other is the web app the handoff ends at.
 */

/** Listens on 127.0.0.1:0 and resolves with the port. */
export async function listenLoopback(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes a server, ending idle keep-alive connections (a browser keeps some open). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A free TCP port on 127.0.0.1 (listen on 0, read, close): for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listenLoopback(probe);
  await closeServer(probe);
  return port;
}

/** What `mint` puts in an access token; every field has a default that makes a valid token. */
export interface MintOptions {
  sub?: string;
  /** The client the token was issued to (RFC 9068 `client_id`). Default: the native app. */
  clientId?: string;
  audience?: string;
  scope?: string;
  /** Seconds from now; negative for an expired token. Default 300. */
  expiresIn?: number;
  /** Sign with a key that is not in the JWKS (a forged token). */
  foreignKey?: boolean;
}

export interface TokenIssuer {
  /** The issuer identifier (`iss`), `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** Where its public keys are served. */
  readonly jwksUri: string;
  /** How many times the JWKS was fetched: a validator should cache it. */
  readonly jwksFetches: number;
  /** Mints an RFC 9068 access token (`typ: at+jwt`, ES256). */
  mint(options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * The authorization server that issued the native app's access token, reduced to what a
 * validator needs: a JWKS at `/jwks` and a signing key. Tokens carry `iss`, `aud` (the
 * session-transfer resource), `client_id` (the native app), `sub`, `scope`, `iat`, `exp`, `jti`.
 *
 * @example
 * const as = await startTokenIssuer({ audience: 'http://localhost:3000/session-transfer', clientId: 'mobile-app' });
 * const token = await as.mint({ sub: 'alice' });
 */
export async function startTokenIssuer(defaults: { audience: string; clientId: string; scope?: string }): Promise<TokenIssuer> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const foreign = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  let fetches = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const port = await listenLoopback(server);
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get jwksFetches() {
      return fetches;
    },
    mint(options: MintOptions = {}) {
      const key: CryptoKey = options.foreignKey ? foreign.privateKey : privateKey;
      return new SignJWT({ client_id: options.clientId ?? defaults.clientId, scope: options.scope ?? defaults.scope ?? 'openid profile' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .setIssuer(issuer)
        .setAudience(options.audience ?? defaults.audience)
        .setSubject(options.sub ?? 'alice')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 300))
        .setJti(randomUUID())
        .sign(key);
    },
    close: () => closeServer(server),
  };
}

/** One request the target web app served. */
export interface TargetVisit {
  path: string;
  /** Whether the Waymark session cookie came with it. */
  session: boolean;
}

export interface TargetApp {
  /** `http://localhost:<port>`: localhost, so that a cookie Waymark set on localhost comes along. */
  readonly origin: string;
  /** The page the handoff ends at. */
  readonly profileUrl: string;
  readonly visits: readonly TargetVisit[];
  close(): Promise<void>;
}

/** The cookie session.create sets. */
export const SESSION_COOKIE = '__Host-waymark-session';

/** True when the request carries the cookie `name` with a non-empty value. */
export function hasCookie(header: string | undefined, name: string): boolean {
  return (header ?? '').split(';').some((part) => {
    const eq = part.indexOf('=');
    return eq > 0 && part.slice(0, eq).trim() === name && part.slice(eq + 1).trim() !== '';
  });
}

/**
 * The web app a handoff ends at. `GET /profile` answers "session: present" or "session:
 * absent" depending on whether the Waymark session cookie arrived (never its value).
 *
 * Cookies are scoped by host, not by port (RFC 6265 §8.5): the `__Host-` cookie Waymark sets
 * on `localhost:<waymark port>` is sent to `localhost:<this port>` too. That is a convenience
 * of a local demo; a real target signs the user in through its own OpenID Connect request to
 * Waymark, which sees its own cookie.
 */
export async function startTargetApp(): Promise<TargetApp> {
  const visits: TargetVisit[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' || path !== '/profile') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const session = hasCookie(req.headers.cookie, SESSION_COOKIE);
    visits.push({ path, session });
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(`<!doctype html><title>Profile</title><h1>Manage my profile</h1><p id="session">session: ${session ? 'present' : 'absent'}</p>`);
  });
  const port = await listenLoopback(server);
  const origin = `http://localhost:${port}`;
  return { origin, profileUrl: `${origin}/profile`, visits, close: () => closeServer(server) };
}
