import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type CryptoKey } from 'jose';

export const ISSUER = 'https://as.example';
export const AUDIENCE = 'https://waymark.example/session-transfer';

/** A clock that only moves when told (milliseconds). */
export function manualClock(start = Date.UTC(2026, 0, 1, 12)): { now(): number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real HTTP server on a loopback port. */
export async function serve(handler: Handler): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (res: ServerResponse, status: number, value: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

export const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

export interface MintOptions {
  key: CryptoKey;
  alg?: string;
  kid?: string;
  /** Absent: `at+jwt`; undefined: no typ header. */
  typ?: string | undefined;
  claims?: Record<string, unknown>;
}

/** Signs an access token for `nowSeconds` (claims may override or remove, with undefined, any default). */
export async function mint(nowSeconds: number, o: MintOptions): Promise<string> {
  const header: Record<string, unknown> = { alg: o.alg ?? 'RS256', kid: o.kid ?? 'rsa-1' };
  if (!('typ' in o)) header.typ = 'at+jwt';
  else if (o.typ !== undefined) header.typ = o.typ;
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'mobile-app', scope: 'openid profile', iat: nowSeconds, exp: nowSeconds + 300, jti: 'j1', ...o.claims })
    .setProtectedHeader(header as { alg: string })
    .sign(o.key);
}
