import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { callbacks, defineNode, inputValue, type NodeContext, type NodeResult } from '@waymark/sdk';
import { userStoreOf } from './credentials-verify.js';
import { ConsoleNotifier, WebhookNotifier, type Notifier } from './otp/notifier.js';
import { verifyTotp } from './otp/totp.js';
import type { UserRecord } from './users/user-store.js';

const config = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['totp', 'code'], default: 'totp', description: '"totp": the enrolled authenticator app; "code": a code sent through the notifier' },
    userFrom: { type: 'string', minLength: 1, default: 'sub', description: 'State key holding the user (sub); falls back to "username"' },
    prompt: { type: 'string', minLength: 1, default: 'One-time code' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Wrong codes before "locked"' },
    usersFile: { type: 'string', minLength: 1, description: 'A users JSON file, used when services.users is not wired' },
    totp: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        algorithm: { enum: ['sha1', 'sha256', 'sha512'], default: 'sha1', description: 'What authenticator apps use: SHA-1 (Keycloak default too)' },
        digits: { enum: [6, 7, 8], default: 6 },
        period: { type: 'integer', minimum: 15, maximum: 120, default: 30 },
        window: { type: 'integer', minimum: 0, maximum: 3, default: 1, description: 'Time steps accepted either side, for clock drift' },
      },
    },
    code: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        length: { type: 'integer', minimum: 6, maximum: 10, default: 6 },
        ttlSeconds: { type: 'integer', minimum: 30, maximum: 3600, default: 300, description: 'Five minutes, like AIC\'s OTP collector' },
        recipientFrom: { type: 'string', minLength: 1, default: 'email', description: 'State key, else user attribute, holding where to send the code' },
        purpose: { type: 'string', minLength: 1, maxLength: 64, default: 'login' },
      },
    },
    notifier: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Used when services.notifier is not wired',
      properties: {
        type: { enum: ['console', 'webhook'], default: 'console' },
        url: { type: 'string', format: 'uri', pattern: '^https?://' },
        allowConsoleInProduction: { type: 'boolean', default: false, description: 'The console notifier prints codes: refused in production unless this is set' },
        timeoutMs: { type: 'integer', minimum: 1, default: 5000 },
      },
      if: { required: ['type'], properties: { type: { const: 'webhook' } } },
      then: { required: ['url'] },
    },
  },
} as const;

const CODE_KEYS = ['codeHash', 'codeSalt', 'codeExpiresAt', 'attempts'] as const;

function clearSecrets(ctx: NodeContext): void {
  for (const k of CODE_KEYS) delete ctx.secrets[k];
}

function hashCode(code: string, salt: string): Buffer {
  return createHash('sha256').update(salt).update(':').update(code).digest();
}

function stateString(ctx: NodeContext, key: string): string | undefined {
  const v = ctx.state[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function findUser(ctx: NodeContext, userFrom: string, usersFile: string | undefined): Promise<UserRecord | undefined> {
  const users = userStoreOf(ctx, usersFile);
  const sub = stateString(ctx, userFrom);
  if (sub !== undefined && users.findBySub) {
    const bySub = await users.findBySub(sub);
    if (bySub) return bySub;
  }
  const username = stateString(ctx, 'username');
  return username === undefined ? undefined : users.findByUsername(username);
}

/** The user's TOTP secret: the `totpSecret` attribute, else a kv enrolment `otp:totp:<sub>`. */
async function totpSecret(ctx: NodeContext, userId: string, c: { userFrom: string; usersFile?: string }): Promise<string | undefined> {
  if (ctx.services.users || c.usersFile !== undefined) {
    const attr = (await findUser(ctx, c.userFrom, c.usersFile))?.attributes.totpSecret;
    if (typeof attr === 'string' && attr !== '') return attr;
  }
  const enrolment = await ctx.services.stores.kv.get(`otp:totp:${encodeURIComponent(userId)}`);
  if (typeof enrolment === 'string' && enrolment !== '') return enrolment;
  if (typeof enrolment === 'object' && enrolment !== null && !Array.isArray(enrolment) && typeof enrolment.secret === 'string') return enrolment.secret;
  return undefined;
}

/**
 * `otp.challenge` — step-up with a one-time code. Mode `totp` checks an RFC 6238 code of the
 * user's enrolled authenticator (secret from the user's `totpSecret` attribute or a kv
 * enrolment; a code is never accepted twice in its time step). Mode `code` sends a fresh 6-digit
 * code through the notifier, keeps only its salted hash in secrets (namespace `otp`) and
 * expires it after `code.ttlSeconds`. A wrong code asks again, with an error, until
 * `maxAttempts`.
 *
 * @example
 * { "type": "otp.challenge", "config": { "mode": "code", "notifier": { "type": "webhook", "url": "https://notify.internal/otp" } },
 *   "outcomes": { "success": "success", "failure": "failure", "expired": "sendAgain", "locked": "failure" } }
 */
export const otpChallenge = defineNode({
  type: 'otp.challenge',
  version: 1,
  description: 'Asks for a one-time code: TOTP from an enrolled authenticator, or a code sent through a notifier.',
  callbacks: ['TextInputCallback', 'TextOutputCallback'],
  config,
  outcomes: ['success', 'failure', 'expired', 'locked'],
  async run(ctx, c): Promise<NodeResult> {
    const userId = stateString(ctx, c.userFrom) ?? stateString(ctx, 'username');
    if (userId === undefined) return { outcome: 'failure', reason: 'no_user' };
    const ask = (error?: string) => ctx.suspend([...(error ? [callbacks.textOutput(error, 2)] : []), callbacks.text(c.prompt)]);
    const first = ctx.callbacks === undefined;
    const submitted = first ? '' : String(inputValue(ctx.callbacks?.find((cb) => cb.type === 'TextInputCallback')) ?? '').replace(/\s+/g, '');

    // Counts a wrong code; the last allowed one locks.
    const wrong = (): NodeResult => {
      const attempts = Number(ctx.secrets.attempts ?? '0') + 1;
      if (attempts >= c.maxAttempts) {
        clearSecrets(ctx);
        return { outcome: 'locked', reason: 'max_attempts' };
      }
      ctx.secrets.attempts = String(attempts);
      const left = c.maxAttempts - attempts;
      return ask(`That code is not correct. ${left} attempt${left === 1 ? '' : 's'} left.`);
    };

    if (c.mode === 'totp') {
      const secret = await totpSecret(ctx, userId, c);
      if (secret === undefined) return { outcome: 'failure', reason: 'not_enrolled' };
      if (first) {
        ctx.secrets.attempts = '0';
        return ask();
      }
      const lastKey = `otp:totp-last-step:${encodeURIComponent(userId)}`;
      const last = await ctx.services.stores.kv.get(lastKey);
      let step: number | undefined;
      try {
        step = await verifyTotp({
          secret,
          token: submitted,
          epoch: Math.floor(ctx.services.clock.now() / 1000),
          ...c.totp,
          ...(typeof last === 'number' ? { afterTimeStep: last } : {}),
        });
      } catch {
        ctx.services.logger.warn('unusable TOTP secret for user', { user: userId });
        clearSecrets(ctx);
        return { outcome: 'failure', reason: 'invalid_secret' };
      }
      if (step === undefined) return wrong();
      // kv remembers the last step (older steps stay refused); the counter makes the claim of
      // this step atomic, so two concurrent journeys cannot both spend one code.
      const claims = await ctx.services.stores.counters.increment(`otp:totp-used:${encodeURIComponent(userId)}:${step}`, c.totp.period * (2 * c.totp.window + 2));
      if (claims > 1) return wrong();
      await ctx.services.stores.kv.set(lastKey, step);
      clearSecrets(ctx);
      return 'success';
    }

    // mode "code"
    const now = ctx.services.clock.now();
    if (first) {
      const to = stateString(ctx, c.code.recipientFrom) ?? (await recipientAttribute(ctx, c));
      if (to === undefined) return { outcome: 'failure', reason: 'no_recipient' };
      const code = String(randomInt(0, 10 ** c.code.length)).padStart(c.code.length, '0');
      const salt = randomBytes(16).toString('base64url');
      const expiresAt = now + c.code.ttlSeconds * 1000;
      ctx.secrets.codeHash = hashCode(code, salt).toString('base64url');
      ctx.secrets.codeSalt = salt;
      ctx.secrets.codeExpiresAt = String(expiresAt);
      ctx.secrets.attempts = '0';
      try {
        await notifierOf(ctx, c).send({ to, code, purpose: c.code.purpose, expiresAt }, { signal: ctx.signal });
      } catch (error) {
        clearSecrets(ctx);
        throw error;
      }
      return ctx.suspend([callbacks.textOutput('A one-time code has been sent to you.', 0), callbacks.text(c.prompt)]);
    }
    const { codeHash, codeSalt, codeExpiresAt } = ctx.secrets;
    if (codeHash === undefined || codeSalt === undefined || codeExpiresAt === undefined) return { outcome: 'failure', reason: 'no_code' };
    if (now >= Number(codeExpiresAt)) {
      clearSecrets(ctx);
      return { outcome: 'expired', reason: 'expired' };
    }
    const expected = Buffer.from(codeHash, 'base64url');
    if (submitted.length !== c.code.length || !timingSafeEqual(hashCode(submitted, codeSalt), expected)) return wrong();
    clearSecrets(ctx);
    return 'success';
  },
});

async function recipientAttribute(ctx: NodeContext, c: { userFrom: string; usersFile?: string; code: { recipientFrom: string } }): Promise<string | undefined> {
  if (!ctx.services.users && c.usersFile === undefined) return undefined;
  const v = (await findUser(ctx, c.userFrom, c.usersFile))?.attributes[c.code.recipientFrom];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function notifierOf(ctx: NodeContext, c: { notifier: { type: 'console' | 'webhook'; url?: string; allowConsoleInProduction: boolean; timeoutMs: number } }): Notifier {
  if (ctx.services.notifier) return ctx.services.notifier;
  if (c.notifier.type === 'webhook' && c.notifier.url !== undefined) {
    return new WebhookNotifier({ url: c.notifier.url, fetch: ctx.services.fetch, timeoutMs: c.notifier.timeoutMs });
  }
  return new ConsoleNotifier(ctx.services.logger, { allowInProduction: c.notifier.allowConsoleInProduction });
}
