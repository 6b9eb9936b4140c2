// The one client model lives in @waymark/core (the adapter and the OpenID Provider share it).
export { matchRedirectUri, compileRedirectUriPattern, redirectUriProblem } from '@waymark/core';
export type { RedirectUriRules } from '@waymark/core';
