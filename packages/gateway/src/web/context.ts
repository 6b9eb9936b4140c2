import type { Auditor } from '@waymark/core';
import type { Clock, Logger } from '@waymark/sdk';
import type { IdentitySigner } from './identity.js';
import type { ProviderClient } from './provider.js';
import type { WebRouteConfig } from './schema.js';
import type { Sealer } from './sealed.js';

/** What every step of one `web` route shares: its config, worked out once at creation. */
export interface RouteContext {
  config: WebRouteConfig;
  /** `https://app.example.com`: the origin browsers see. */
  publicOrigin: string;
  /** The route's redirect URI: `<publicUrl><path>/_waymark/callback`. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Where a login with no (or an unsafe) return-to lands: the route's path. */
  landing: string;
  /** Whether cookies carry `Secure` (publicUrl is https). */
  secure: boolean;
  cookies: { session: string; login: string };
  sessions: Sealer;
  logins: Sealer;
  provider: ProviderClient;
  signer: () => Promise<IdentitySigner>;
  clock: Clock;
  logger: Logger;
  auditor: Pick<Auditor, 'emit'> | undefined;
}

/** The route's path joined with one of its endpoints (`/app` + `/_waymark/callback`). */
export function under(path: string, endpoint: string): string {
  return path === '/' ? endpoint : `${path}${endpoint}`;
}
