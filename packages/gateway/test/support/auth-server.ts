import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, createLocalJWKSet, type JWK } from 'jose';

/*
 * A small OAuth authorization server for the gateway's tests, over real HTTP with real
 * signatures: RFC 8414 metadata, a JWK set, and a token endpoint with client_credentials
 * (RFC 8707 `resource` → `aud`, scopes cut to what the client may have) and an RFC 8693
 * token exchange (the gateway's mediation: subject token in, a token for the upstream's
 * audience out, with `act`). Waymark's own OpenID Provider gets the exchange grant on another
 * branch (issue #15); these tests need only the wire contract.
 */

export interface TestClient {
  secret: string;
  /** The user the client's tokens speak for (a test shortcut for a signed-in user). */
  sub: string;
  scopes: string[];
}

export interface TestAuthServer {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  /** Signs an access token directly (a token for another audience, an expired one…). */
  sign(claims: Record<string, unknown>, options?: { typ?: string; expiresInSeconds?: number }): Promise<string>;
  /** How many exchanges the token endpoint answered. */
  exchanges(): number;
  close(): Promise<void>;
}

export async function startAuthServer(
  clients: Record<string, TestClient>,
  options: { exchangeTtlSeconds?: number } = {},
): Promise<TestAuthServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const keys = createLocalJWKSet({ keys: [jwk] });
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let exchanged = 0;

  const sign = (claims: Record<string, unknown>, o: { typ?: string; expiresInSeconds?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: o.typ ?? 'at+jwt' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(`${o.expiresInSeconds ?? 600}s`)
      .setJti(Math.random().toString(36).slice(2))
      .sign(privateKey);

  app.get(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'], (_req, res) => {
    res.json({
      issuer,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/authorize`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    });
  });
  app.get('/jwks', (_req, res) => res.json({ keys: [jwk] }));
  // Authorization code + PKCE (RFC 7636): the person is taken as signed in and consenting (the test's stand-in for a login journey).
  const codes = new Map<string, { clientId: string; challenge: string; redirectUri: string; resource: string; scope: string }>();
  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    const client = clients[q.client_id ?? ''];
    if (!client || q.response_type !== 'code' || q.code_challenge_method !== 'S256' || !q.code_challenge || !q.redirect_uri || !q.resource)
      return void res.status(400).json({ error: 'invalid_request' });
    const code = Math.random().toString(36).slice(2);
    const scope = (q.scope ?? '')
      .split(' ')
      .filter((s) => client.scopes.includes(s))
      .join(' ');
    codes.set(code, { clientId: q.client_id ?? '', challenge: q.code_challenge, redirectUri: q.redirect_uri, resource: q.resource, scope });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    if (q.state) back.searchParams.set('state', q.state);
    back.searchParams.set('iss', issuer);
    res.redirect(302, back.href);
  });
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    const body = req.body as Record<string, string>;
    let id = body.client_id;
    let secret = body.client_secret;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic)
      [id, secret] = Buffer.from(basic[1] ?? '', 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
    const client = id ? clients[id] : undefined;
    if (body.grant_type === 'authorization_code') {
      const grant = codes.get(body.code ?? '');
      codes.delete(body.code ?? '');
      const verifier = createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest('base64url');
      if (!client || !grant || grant.clientId !== id || grant.challenge !== verifier || grant.redirectUri !== body.redirect_uri)
        return void res.status(400).json({ error: 'invalid_grant' });
      const token = await sign({ sub: client.sub, client_id: id, aud: grant.resource, scope: grant.scope });
      return void res.json({ access_token: token, token_type: 'Bearer', expires_in: 600, scope: grant.scope });
    }
    if (!client || client.secret !== secret) return void res.status(401).json({ error: 'invalid_client' });
    const requested = (body.scope ?? '').split(' ').filter(Boolean);
    if (body.grant_type === 'client_credentials') {
      if (!body.resource) return void res.status(400).json({ error: 'invalid_target', error_description: 'resource is required' });
      const scope = (requested.length > 0 ? requested : client.scopes).filter((s) => client.scopes.includes(s)).join(' ');
      const token = await sign({ sub: client.sub, client_id: id, aud: body.resource, scope });
      return void res.json({ access_token: token, token_type: 'Bearer', expires_in: 600, scope });
    }
    if (body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange') {
      try {
        const { payload } = await jwtVerify(body.subject_token ?? '', keys, { issuer });
        exchanged += 1;
        const ttl = options.exchangeTtlSeconds ?? 300;
        const token = await sign(
          { sub: payload.sub, client_id: id, aud: body.audience ?? body.resource, scope: body.scope ?? 'upstream', act: { sub: id } },
          { expiresInSeconds: ttl },
        );
        return void res.json({
          access_token: token,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: ttl,
        });
      } catch {
        return void res.status(400).json({ error: 'invalid_grant' });
      }
    }
    res.status(400).json({ error: 'unsupported_grant_type' });
  });

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    sign,
    exchanges: () => exchanged,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
