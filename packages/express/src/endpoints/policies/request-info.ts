import type { Request, Response } from 'express';
import type { RequestInfo } from '@waymark/sdk';
import { locals } from '../../lib/locals.js';

/** Cookie header → name/value (first one wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

/** What the engine sees of this request. */
export function requestInfo(req: Request, res: Response): RequestInfo {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { ip: locals(res).clientIp ?? req.socket.remoteAddress ?? '', headers, cookies: parseCookies(req.headers.cookie), userAgent: req.headers['user-agent'] };
}
