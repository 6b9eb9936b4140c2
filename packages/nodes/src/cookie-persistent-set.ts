import { WaymarkError, defineNode } from '@waymark/sdk';
import {
  cookieAttributeProperties,
  cookieAttributeRules,
  cookieOptions,
  ipBinding,
  keysSchema,
  resolveKeys,
  signPersistentCookie,
} from './lib/persistent-cookie.js';
import { NODES_ERRORS } from './errors.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: keysSchema,
    ...cookieAttributeProperties,
    /** State key holding the subject to remember. */
    subFrom: { type: 'string', minLength: 1, default: 'sub', description: 'State key holding the subject.' },
    /** Absolute lifetime of the cookie (JWT `exp`, cookie Max-Age): 30 days, AM's default. */
    maxLifeSeconds: { type: 'integer', minimum: 60, maximum: 31536000, default: 2592000, description: 'Maximum lifetime in seconds.' },
    /** Binds the cookie to the client IP (a keyed hash of it): safer, but roaming users lose it. */
    bindIp: { type: 'boolean', default: false, description: 'Bind the cookie to the client IP.' },
  },
  allOf: cookieAttributeRules,
} as const;

/**
 * `cookie.persistent.set` — "remember me", as AM's Set Persistent Cookie node: writes an
 * HS256-signed JWT cookie (`sub`, `iat`, `exp`, `lastUsed`, optional IP binding) signed with
 * the first configured key. The cookie is a response effect, which the engine applies only
 * when the journey ends in success: place the node anywhere after authentication and the
 * cookie is still set only if the journey succeeds.
 *
 * Outcomes: `done`.
 *
 * @example
 * { "type": "cookie.persistent.set", "config": { "keys": [{ "kid": "2026-01", "secretName": "remember-me-key" }] }, "outcomes": { "done": "success" } }
 */
export const cookiePersistentSet = defineNode({
  type: 'cookie.persistent.set',
  version: 1,
  description: 'Sets the signed "remember me" cookie for the subject in state.',
  config: schema,
  outcomes: ['done'],
  async run(ctx, config) {
    const sub = ctx.state[config.subFrom];
    if (typeof sub !== 'string' || sub === '')
      throw new WaymarkError(NODES_ERRORS.ERR_NODE_STATE, `cookie.persistent.set: state "${config.subFrom}" holds no subject; run a node that sets it first`, { key: config.subFrom });
    const [signing] = await resolveKeys(ctx, config.keys);
    if (!signing) throw new WaymarkError(NODES_ERRORS.ERR_COOKIE_KEY, 'cookie.persistent.set: no signing key', {});
    const now = Math.floor(ctx.services.clock.now() / 1000);
    const token = await signPersistentCookie(signing, {
      sub,
      iat: now,
      exp: now + config.maxLifeSeconds,
      lastUsed: now,
      ...(config.bindIp ? { iph: ipBinding(signing.key, ctx.ip) } : {}),
    });
    ctx.effects.setCookie(config.name, token, cookieOptions(config, config.maxLifeSeconds));
    return 'done';
  },
});
