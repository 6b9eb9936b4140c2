import type { WaymarkClientPolicy } from './options.js';

/**
 * The flow a login runs: the first of `acr_values` (space-separated, in order of preference,
 * OIDC Core §3.1.2.1) that the client allows, else the client's default (its first flow).
 * `acr_values` is a voluntary request in OIDC, so a value the client may not use falls back
 * to the default rather than failing; the ID token's `acr` says what actually ran.
 *
 * @example
 * chooseFlow({ flows: ['login', 'login-mfa'] }, 'urn:x login-mfa'); // 'login-mfa'
 */
export function chooseFlow(policy: Pick<WaymarkClientPolicy, 'flows'>, acrValues: unknown): string {
  if (typeof acrValues === 'string') {
    for (const value of acrValues.split(' ')) if (value !== '' && policy.flows.includes(value)) return value;
  }
  return policy.flows[0] as string;
}
