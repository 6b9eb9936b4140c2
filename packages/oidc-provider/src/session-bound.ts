import type { Stores } from '@waymark/sdk';
import { interactionPolicy } from 'oidc-provider';
import { parseCookies } from './lib/http.js';

/**
 * A login-prompt check that binds the provider's session to the Waymark session: while the
 * provider remembers a signed-in user, each authorization also needs the browser's Waymark
 * session cookie to name a live session of that same subject. When the Waymark session ended
 * (logout elsewhere, idle or maximum lifetime, an administrator) or belongs to someone else,
 * the login prompt runs again, so the login flow decides; with `prompt=none` the client gets
 * `login_required`. The Waymark session is the source of truth; the provider's is a cache of it.
 */
export function waymarkSessionCheck(stores: Stores, cookieName: string): interactionPolicy.Check {
  return new interactionPolicy.Check(
    'waymark_session',
    'the Waymark session ended or belongs to another user',
    'login_required',
    async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      // No provider session: the built-in no_session check prompts. A login just finished: trust it.
      if (accountId === undefined || ctx.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      const id = parseCookies(ctx.get('cookie'))[cookieName];
      const session = id ? await stores.sessions.get(id) : undefined;
      return session?.sub === accountId ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    },
  );
}
