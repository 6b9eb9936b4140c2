// The hand-written baseline of the handoff benchmark: the same checks as Waymark's
// session-transfer flow and PAR endpoint, written directly on express with no engine, no flow,
// no metrics and no logging — what a team would write by hand. Lean on purpose, but correct: it
// is the bar Waymark is measured against, so it validates what Waymark validates, where Waymark
// does (at PAR, RFC 9126 §2.1), and keeps no token.
//
//   POST /par        client_id, response_type=code, S256 PKCE, scope within the client's
//                    allowed scopes, subject_token_type (when sent) the access token type,
//                    target in the allowlist; then the JWT access token with jose against the
//                    issuer's JWKS (remote set, cached), typ at+jwt, iss, aud, exp, sub,
//                    client_id one of the allowed clients and not the pushing client, a
//                    user's token (sub ≠ client_id), no sender constraint it cannot check
//                    (cnf) → a Map entry with a TTL (swept every second) holding the subject,
//                    the target and the IP, never the token; 201 { request_uri, expires_in }.
//                    A refused token is 400 invalid_request.
//   GET /authorize   take the entry once (delete), expiry, client; socket IP equals the PAR IP;
//                    the target checked again; a 32-byte session id in a Map; __Host-
//                    Set-Cookie; 303 to the target.
//
// Every answer carries the security headers Waymark sends (a CSP that loads nothing, no
// framing, no referrer, nosniff, same-origin COOP/CORP) and Cache-Control: no-store with
// Pragma: no-cache (RFC 6749 §5.1, RFC 9126 §2.2), written as a hand-written server writes
// them: with setHeader, JSON without an ETag (nothing here is cacheable) and the 303 with an
// empty body (a browser following it never shows one).
import { randomBytes } from 'node:crypto';
import encodeUrl from 'encodeurl';
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const PREFIX = 'urn:ietf:params:oauth:request_uri:';
const TTL_MS = 60_000;
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const ip = (req) => {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
};
const HEADERS = [
  [
    'Content-Security-Policy',
    "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; img-src 'self'; style-src 'self'",
  ],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];
const headers = (res) => {
  for (const [name, value] of HEADERS) res.setHeader(name, value);
};
/** A JSON answer with the headers above (also used by bench/handoff-redis.mjs). */
export const json = (res, status, body) => {
  const text = JSON.stringify(body);
  headers(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
};
/** 303 to `target` with the session cookie, the headers above and an empty body (also used by bench/handoff-redis.mjs). */
export const seeOther = (res, target, cookie) => {
  headers(res);
  res.setHeader('Set-Cookie', cookie);
  res.statusCode = 303;
  res.setHeader('Location', encodeUrl(target)); // as express's res.location encodes it
  res.setHeader('Content-Length', '0');
  res.end();
};
const fail = (res, status, error) => json(res, status, { error });

/** Starts the baseline on 127.0.0.1:<port>; resolves with { url, close }. */
export async function startBaseline({
  port = 0,
  clientIds,
  tokenIssuer,
  jwksUri,
  audience,
  allowedClients,
  targets,
  allowedScopes = ['session_transfer'],
}) {
  const jwks = createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: 600_000, cooldownDuration: 30_000 });
  const clients = new Set(clientIds);
  const scopes = new Set(allowedScopes);
  const pushed = new Map();
  const sessions = new Map();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of pushed) if (entry.expiresAt <= now) pushed.delete(id);
    for (const [id, session] of sessions) if (session.expiresAt <= now) sessions.delete(id);
  }, 1000).unref();
  const allowedTarget = (raw) => {
    if (typeof raw !== 'string' || !URL.canParse(raw)) return false;
    const url = new URL(raw);
    return targets.some((t) => {
      const allow = new URL(t);
      return url.origin === allow.origin && url.pathname.startsWith(allow.pathname) && !url.username && !url.hash;
    });
  };

  const app = express();
  app.disable('x-powered-by');
  app.post('/par', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const p = req.body ?? {};
    if (typeof p.client_id !== 'string') return fail(res, 400, 'invalid_request');
    if (!clients.has(p.client_id)) return fail(res, 401, 'invalid_client');
    if (p.response_type !== 'code') return fail(res, 400, 'unsupported_response_type');
    if (p.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge ?? '')) return fail(res, 400, 'invalid_request');
    if (p.scope !== undefined && !(typeof p.scope === 'string' && p.scope.split(' ').every((s) => scopes.has(s))))
      return fail(res, 400, 'invalid_scope');
    if (typeof p.subject_token !== 'string' || !allowedTarget(p.target)) return fail(res, 400, 'invalid_request');
    if (p.subject_token_type !== undefined && p.subject_token_type !== ACCESS_TOKEN_TYPE) return fail(res, 400, 'invalid_request');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(p.subject_token, jwks, {
        issuer: tokenIssuer,
        audience,
        typ: 'at+jwt',
        algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      return fail(res, 400, 'invalid_request');
    }
    // A user's token (sub ≠ client_id), issued to the app, not to the pushing client, with no sender constraint it cannot check (cnf).
    if (
      !allowedClients.includes(claims.client_id) ||
      claims.client_id === p.client_id ||
      claims.sub === claims.client_id ||
      claims.cnf !== undefined
    )
      return fail(res, 400, 'invalid_request');
    const id = randomBytes(32).toString('base64url');
    pushed.set(id, { clientId: p.client_id, sub: claims.sub, target: p.target, ip: ip(req), expiresAt: Date.now() + TTL_MS });
    json(res, 201, { request_uri: `${PREFIX}${id}`, expires_in: TTL_MS / 1000 });
  });
  app.get('/authorize', (req, res) => {
    const requestUri = typeof req.query.request_uri === 'string' ? req.query.request_uri : '';
    const id = requestUri.startsWith(PREFIX) ? requestUri.slice(PREFIX.length) : '';
    const entry = pushed.get(id);
    pushed.delete(id); // single use, whatever happens next
    if (!entry || entry.clientId !== req.query.client_id || entry.expiresAt <= Date.now()) return fail(res, 400, 'invalid_request_uri');
    if (entry.ip !== ip(req)) return fail(res, 401, 'access_denied');
    if (!allowedTarget(entry.target)) return fail(res, 400, 'access_denied');
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { sub: entry.sub, expiresAt: Date.now() + 8 * 3600_000 });
    seeOther(res, entry.target, `__Host-waymark-session=${sid}; Path=/; Secure; HttpOnly; SameSite=Lax`);
  });

  const server = app.listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        clearInterval(sweep);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
