import type { Response } from 'express';

/** Who is calling: the accepted token's identity, and where from. */
export interface Caller {
  /** The token's `sub`. */
  sub: string;
  /** The token's `client_id` (or `azp`). */
  clientId: string | undefined;
  scopes: readonly string[];
  /** The client IP (socket, or X-Forwarded-For from a trusted proxy). */
  ip: string;
  /** `X-Request-Id` of the request (set by an earlier middleware or the caller), or one made here. */
  requestId: string | undefined;
  /** `X-Waymark-Session-Id`: the agent session the request belongs to (an MCP server sends it), if any. */
  sessionId?: string | undefined;
}

/** The caller, once the bearer step accepted the token (`res.locals.waymarkAdmin`). */
export function callerOf(res: Response): Caller {
  return (res.locals as { waymarkAdmin: Caller }).waymarkAdmin;
}

export function setCaller(res: Response, caller: Caller): void {
  (res.locals as { waymarkAdmin?: Caller }).waymarkAdmin = caller;
}
