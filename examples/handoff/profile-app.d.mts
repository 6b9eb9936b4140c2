/** Types of `profile-app.mjs` (the handoff example's profile web app), for tests that import it. */
export interface ProfileApp {
  /** `http://<host>:<port>` */
  readonly origin: string;
  /** `<origin>/callback`: register it as the client's redirect URI. */
  readonly redirectUri: string;
  /** `<origin>/`: register it as the client's post-logout redirect URI. */
  readonly postLogoutRedirectUri: string;
  /** `<origin>/profile`: the page that needs a signed-in user (the handoff's target). */
  readonly profileUrl: string;
  /** Sets the OpenID Provider's issuer (discovered at the first sign-in). */
  setIssuer(issuer: string): void;
  close(): Promise<void>;
}

export function startProfileApp(options: {
  issuer?: string;
  clientId: string;
  clientSecret: string;
  host?: string;
  port?: number;
  allowHttp?: boolean;
}): Promise<ProfileApp>;
