// STAND-IN for the native app's real authorization server (PingOne, Auth0, Keycloak, …): the
// server that signed the user in natively and issued the app's access token. Reduced to what
// Waymark needs from it: a JWKS. `mint` plays the app's native sign-in. Not part of Waymark.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { closeServer, listen } from './listen.mjs';

/**
 * Starts the stand-in on 127.0.0.1:<port> (0 = any free port).
 * Tokens are RFC 9068 JWT access tokens: typ at+jwt, ES256, iss, aud, client_id, sub, scope, iat, exp, jti.
 */
export async function startTokenIssuer({ port = 3001, audience, clientId }) {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks);
    else res.writeHead(404).end();
  });
  const bound = await listen(server, port);
  const issuer = `http://127.0.0.1:${bound}`;
  return {
    issuer,
    port: bound,
    /** The app's native sign-in, as far as this demo cares: an access token for `sub`, issued to the app. */
    mint: (sub, expiresIn = 300) =>
      new SignJWT({ client_id: clientId, scope: 'openid profile' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
        .setJti(randomUUID())
        .sign(privateKey),
    close: () => closeServer(server),
  };
}
