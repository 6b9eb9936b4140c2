// The one client model lives in @waymark/core (the adapter and the OpenID Provider share it).
export { clientConfigSchema, CLIENT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, PKCE_ENFORCEMENTS, SIGNING_ALGORITHMS } from '@waymark/core';
