import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookieHeader, serializeCookie } from '@waymark/http';
import type { RouteContext } from './context.js';

/** A gateway session, as sealed in its cookie. */
export interface WebSession {
  sub: string;
  /** A fresh random id per login (rotation: a login never reuses a session). */
  sid: string;
  /** The ID token, for `id_token_hint` at logout (RP-Initiated Logout 1.0 §2). Never forwarded. */
  idToken: string;
  /** The ID token claims forwarded in the identity JWT. */
  claims: Record<string, unknown>;
}

function append(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('set-cookie', [...list, cookie]);
}

/** Sets a cookie of the route (HttpOnly, SameSite=Lax, Path=/, Secure over https). `null` clears it. */
export function setRouteCookie(res: ServerResponse, ctx: RouteContext, name: string, value: string | null, maxAge?: number): void {
  append(
    res,
    serializeCookie(
      {
        name,
        value,
        options: { httpOnly: true, secure: ctx.secure, sameSite: 'Lax', path: '/', ...(maxAge === undefined ? {} : { maxAge }) },
      },
      ctx.clock.now(),
    ),
  );
}

/** The value of one of the route's cookies on the request. */
export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  return parseCookieHeader(req.headers.cookie)[name];
}

/** The request's session, or `undefined` when absent, tampered, sealed with an unknown key or past its lifetime. */
export async function readSession(req: IncomingMessage, ctx: RouteContext): Promise<WebSession | undefined> {
  const payload = await ctx.sessions.open(cookieOf(req, ctx.cookies.session), ctx.clock.now());
  if (!payload || typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string' || typeof payload['idt'] !== 'string')
    return undefined;
  const claims = payload['c'];
  return {
    sub: payload.sub,
    sid: payload['sid'],
    idToken: payload['idt'],
    claims: claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {},
  };
}

/** Seals a new session (a new `sid`: rotation on every login) into the session cookie, for the configured lifetime. */
export async function startSession(res: ServerResponse, ctx: RouteContext, input: Omit<WebSession, 'sid'>): Promise<WebSession> {
  const session: WebSession = { ...input, sid: randomBytes(16).toString('base64url') };
  const maxAge = ctx.config.session.maxAgeSeconds;
  const exp = Math.floor(ctx.clock.now() / 1000) + maxAge;
  const sealed = await ctx.sessions.seal({ sub: session.sub, sid: session.sid, idt: session.idToken, c: session.claims }, exp);
  setRouteCookie(res, ctx, ctx.cookies.session, sealed, maxAge);
  return session;
}
