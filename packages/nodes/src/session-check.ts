import { defineNode } from '@waymark/sdk';
import { SESSION_ID, cookieNameSchema } from './lib/session-cookie.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cookieName: cookieNameSchema,
    /** State key the session's subject is written to. */
    subTo: { type: 'string', minLength: 1, default: 'sub', description: 'State key that receives the subject.' },
  },
} as const;

/**
 * `session.check` — finds the browser's live session from its cookie. The store judges idle
 * and maximum lifetimes against the injected clock; a live session is touched (`lastSeenAt`
 * = now, extending its idle window), its subject goes to state and the journey is marked as
 * running in that session.
 *
 * Outcomes: `active`, `none` (reasons `no_cookie`, `malformed`, `unknown_or_expired`).
 *
 * @example
 * { "type": "session.check", "outcomes": { "active": "toTarget", "none": "login" } }
 */
export const sessionCheck = defineNode({
  type: 'session.check',
  version: 1,
  description: 'Finds the live browser session named by the session cookie and refreshes its idle timer.',
  config: schema,
  outcomes: ['active', 'none'],
  async run(ctx, config) {
    const id = ctx.request.cookies[config.cookieName];
    if (id === undefined || id === '') return { outcome: 'none', reason: 'no_cookie' };
    if (!SESSION_ID.test(id)) return { outcome: 'none', reason: 'malformed' };
    const session = await ctx.services.stores.sessions.get(id);
    if (!session) return { outcome: 'none', reason: 'unknown_or_expired' };
    await ctx.services.stores.sessions.put({ ...session, lastSeenAt: ctx.services.clock.now() });
    ctx.state[config.subTo] = session.sub;
    ctx.effects.session(session.id, session.sub);
    return 'active';
  },
});
