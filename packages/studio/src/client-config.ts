/**
 * What the page reads from `<mount>/config.json` at start: where the admin API is and how to
 * sign in. Nothing secret: the client is public (code + PKCE, RFC 7636).
 */
export type StudioClientConfig =
  | {
      /** `waymark serve`: the admin API of a running Waymark, signed in through its OpenID Provider. */
      mode: 'server';
      /** Base URL of the admin API, such as `https://login.example.com/admin/v1`. */
      adminApi: string;
      /** How the page signs in; absent when no provider client lists the studio's redirect URI (the page says what to add). */
      signIn?: {
        /** The OpenID Provider's issuer (its discovery document is `<issuer>/.well-known/openid-configuration`). */
        issuer: string;
        /** The public client the page signs in with (`waymark-admin` in the shipped config). */
        clientId: string;
        /** The studio's redirect URI, listed in that client's `redirect_uris`. */
        redirectUri: string;
        /** RFC 8707 resource: the admin API's audience. */
        resource: string;
        /** The scopes asked for. */
        scope: string;
      };
      /** What to add to the config for sign-in, when `signIn` is absent. */
      signInHelp?: string;
    }
  | {
      /** `waymark studio <folder>`: the flow files of one folder, no sign-in, no journeys. */
      mode: 'local';
      adminApi: string;
      /** The folder, for the header. */
      folder: string;
    };
