import { randomBytes } from 'node:crypto';
import { defineNode, WaymarkError, type JsonValue, type Session } from '@waymark/sdk';
import { SESSION_COOKIE_OPTIONS, SESSION_ID, cookieNameSchema } from './lib/session-cookie.js';
import { NODES_ERRORS } from './errors.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** State key holding the subject (written by `token.validate`, `credentials.verify`…). */
    subFrom: { type: 'string', minLength: 1, default: 'sub', description: 'State key holding the subject.' },
    /** Idle lifetime: the session dies this long after its last use. 30 min is OWASP's upper bound for low-risk apps. */
    idleSeconds: { type: 'integer', minimum: 60, maximum: 604800, default: 1800, description: 'Idle lifetime in seconds.' },
    /** Absolute lifetime from creation, whatever the activity: a working day. */
    maxSeconds: { type: 'integer', minimum: 60, maximum: 31536000, default: 28800, description: 'Maximum lifetime in seconds.' },
    /** Authentication context class of the session; else read from state `acrFrom`. */
    acr: { type: 'string', minLength: 1, description: 'Authentication context class (else from state).' },
    /** Authentication methods of the session; else read from state `amrFrom`. */
    amr: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Authentication methods (else from state).' },
    /** State key read for `acr` when config has none. */
    acrFrom: { type: 'string', minLength: 1, default: 'acr', description: 'State key read for acr.' },
    /** State key read for `amr` when config has none (an array of strings or one string). */
    amrFrom: { type: 'string', minLength: 1, default: 'amr', description: 'State key read for amr.' },
    cookieName: cookieNameSchema,
  },
} as const;

function stringList(value: JsonValue | undefined): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  return undefined;
}

/**
 * `session.create` — starts the authenticated browser session for the subject in state.
 * The id is always fresh (32 random bytes): an id the browser offers is never adopted, so a
 * planted cookie cannot fixate the session. A live session of the same subject is rotated
 * (new id, old one deleted); one of a different subject is never replaced silently:
 * `conflict`. The cookie (`__Host-`, HttpOnly, Secure, SameSite=Lax, Path=/) is a response
 * effect, which the engine applies only when the journey ends in success; the stored session
 * of a journey that fails later is never reachable and idles out.
 *
 * Outcomes: `created`, `conflict`.
 *
 * @example
 * { "type": "session.create", "config": { "idleSeconds": 900 }, "outcomes": { "created": "toTarget", "conflict": "failure" } }
 */
export const sessionCreate = defineNode({
  type: 'session.create',
  version: 1,
  description: 'Creates the browser session for the subject in state and sets its cookie.',
  config: schema,
  outcomes: ['created', 'conflict'],
  async run(ctx, config) {
    const sub = ctx.state[config.subFrom];
    if (typeof sub !== 'string' || sub === '')
      throw new WaymarkError(NODES_ERRORS.ERR_NODE_STATE, `session.create: state "${config.subFrom}" holds no subject; run a node that sets it first`, { key: config.subFrom });
    const sessions = ctx.services.stores.sessions;
    const offered = ctx.request.cookies[config.cookieName];
    if (offered !== undefined && SESSION_ID.test(offered)) {
      const existing = await sessions.get(offered);
      if (existing && existing.sub !== sub) return { outcome: 'conflict', reason: 'other_subject' };
      // Same subject: rotate. The old id stops working at once, the new one replaces it.
      if (existing) await sessions.delete(existing.id);
    }
    const now = ctx.services.clock.now();
    const acr = config.acr ?? (typeof ctx.state[config.acrFrom] === 'string' ? (ctx.state[config.acrFrom] as string) : undefined);
    const amr = config.amr ?? stringList(ctx.state[config.amrFrom]);
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      sub,
      createdAt: now,
      lastSeenAt: now,
      idleSeconds: config.idleSeconds,
      expiresAt: now + Math.max(config.maxSeconds, 0) * 1000,
      authTime: now,
      ...(acr !== undefined ? { acr } : {}),
      ...(amr !== undefined ? { amr } : {}),
      ...(ctx.client ? { clientId: ctx.client.clientId } : {}),
    };
    await sessions.put(session);
    ctx.effects.setCookie(config.cookieName, session.id, { ...SESSION_COOKIE_OPTIONS });
    ctx.effects.session(session.id, sub);
    return 'created';
  },
});
