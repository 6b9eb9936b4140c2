import type { Response } from 'express';
import type { Client } from '../clients/types.js';

/**
 * What the steps of one request hand each other, kept under `res.locals.waymark` so the host
 * app's own locals are untouched.
 */
export interface WaymarkLocals {
  /** The client IP (see client-ip.ts), set by the `clientIp` step. */
  clientIp?: string;
  /** The form parameters, each present once, empty ones dropped (RFC 6749 §3.1). */
  params?: Record<string, string>;
  /** The client, once identified (not yet authenticated until `authenticated` is true). */
  client?: Client;
  authenticated?: boolean;
  /** The OAuth error the response carried, for metrics and the access log. */
  oauthError?: string;
}

export function locals(res: Response): WaymarkLocals {
  const bag = res.locals as { waymark?: WaymarkLocals };
  bag.waymark ??= {};
  return bag.waymark;
}

/** The parameters parsed by `formBody`; an empty record when the step did not run. */
export function params(res: Response): Record<string, string> {
  return locals(res).params ?? {};
}
