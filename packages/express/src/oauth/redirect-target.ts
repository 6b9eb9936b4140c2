import type { Client } from '../clients/types.js';

// eslint-disable-next-line no-control-regex -- control characters (and space, backslash) are what we refuse
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\\]/;
// Percent-encoded separators, dots and control characters: a server downstream may decode them.
const ENCODED = /%(2f|5c|2e|0[0-9a-f]|1[0-9a-f]|7f)/i;

/**
 * Defence in depth for the end of a journey: the `redirect` node already checked its target
 * against the client's allowlist; the adapter checks the final URL again before it answers
 * 303, by the same rule (exact origin, path prefix on a segment boundary) and the same
 * refusals (userinfo, fragment, backslash, encoded separators, control characters, anything
 * but https — or http to a loopback host listed as such).
 *
 * @example
 * isAllowedRedirectTarget(client, 'https://profile.example.com/me'); // true when 'https://profile.example.com/' is listed
 */
export function isAllowedRedirectTarget(client: Pick<Client, 'redirectTargets'>, target: string): boolean {
  if (target.length > 8192 || UNSAFE.test(target) || ENCODED.test(target) || target.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target)?.[1];
  if (authority === undefined || authority.includes('@') || url.username !== '' || url.password !== '') return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  return allowlistOf(client.redirectTargets).some((allow) => {
    if (allow.origin !== url.origin) return false;
    const prefix = allow.prefix;
    return prefix.endsWith('/') ? url.pathname.startsWith(prefix) : url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
  });
}

/* A client's redirect_targets, parsed once per (frozen) list: loaded clients are fixed; entries
 * that do not parse, or have no origin, match nothing. */
const allowlists = new WeakMap<readonly string[], readonly { origin: string; prefix: string }[]>();

function allowlistOf(targets: readonly string[]): readonly { origin: string; prefix: string }[] {
  let parsed = allowlists.get(targets);
  if (!parsed) {
    parsed = targets.flatMap((entry) => {
      if (!URL.canParse(entry)) return [];
      const allow = new URL(entry);
      return allow.origin === 'null' ? [] : [{ origin: allow.origin, prefix: allow.pathname }];
    });
    if (Object.isFrozen(targets)) allowlists.set(targets, parsed); // a list that may still change is parsed every time
  }
  return parsed;
}
