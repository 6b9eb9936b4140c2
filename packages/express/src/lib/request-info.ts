import type { Request, Response } from 'express';
import { requestInfoOf } from '@waymark/http';
import type { RequestInfo } from '@waymark/sdk';
import { locals } from './locals.js';

/**
 * What the engine sees of this request (`requestInfoOf` of `@waymark/http`), with the client IP
 * the `clientIp` step resolved (socket peer, or X-Forwarded-For through trusted proxies only)
 * and the request's id, which the engine's events carry.
 */
export function requestInfo(req: Request, res: Response): RequestInfo {
  const state = locals(res);
  return requestInfoOf(req, state.clientIp ?? 'unknown', state.requestId);
}
