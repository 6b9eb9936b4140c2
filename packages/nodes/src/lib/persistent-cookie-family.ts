import type { JsonObject, NodeContext } from '@waymark/sdk';

/*
 * Replay detection of the "remember me" cookie, the way refresh-token rotation detects a
 * stolen refresh token (RFC 9700 §4.14.2): each re-issue supersedes the cookie it replaces, and
 * a superseded cookie presented again means two parties hold the cookie. Nobody can tell which
 * one is the thief, so the whole family (every cookie re-issued from the first one) is revoked.
 *
 * One record per family in `stores.kv`, kept until the cookie's `exp`:
 * `{ cur }` — the cookie currently issued; `{ cur, prev }` — re-issued, and the new cookie has
 * not been seen yet (its journey may have failed, so it never reached the browser: the previous
 * one is still honoured, and is re-issued again, since what made it due still holds);
 * `{ revoked: true }`. A family never re-issued
 * has no record. The kv contract has no compare-and-set: two requests re-issuing one cookie at
 * the same instant can leave the browser with the cookie that lost, which then reads as a
 * replay (the user signs in again).
 */

type FamilyRecord = { cur: string; prev?: string } | { revoked: true };

const keyOf = (fam: string) => `waymark:pc-family:${fam}`;

function asRecord(value: unknown): FamilyRecord | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.revoked === true) return { revoked: true };
  if (typeof v.cur === 'string') return typeof v.prev === 'string' ? { cur: v.cur, prev: v.prev } : { cur: v.cur };
  return undefined;
}

/** What the family record says of a cookie: `current`, `undelivered` (its successor never came back: honour it), or `replayed`. */
export type CookieStanding = 'current' | 'undelivered' | 'replayed';

/**
 * Judges cookie `jti` of family `fam`. A superseded cookie revokes the family (and is
 * `replayed`); the first sight of a re-issued cookie retires the one it replaced.
 */
export async function standingOf(ctx: NodeContext, fam: string, jti: string, ttlSeconds: number): Promise<CookieStanding> {
  const kv = ctx.services.stores.kv;
  const record = asRecord(await kv.get(keyOf(fam)));
  if (record === undefined) return 'current';
  if ('revoked' in record) return 'replayed';
  if (record.cur === jti) {
    if (record.prev !== undefined) await kv.set(keyOf(fam), { cur: jti }, ttlSeconds);
    return 'current';
  }
  if (record.prev === jti) return 'undelivered';
  await kv.set(keyOf(fam), { revoked: true } satisfies JsonObject, ttlSeconds);
  return 'replayed';
}

/** Records that cookie `jti` of family `fam` was re-issued as `next`. */
export async function recordReissue(ctx: NodeContext, fam: string, jti: string, next: string, ttlSeconds: number): Promise<void> {
  await ctx.services.stores.kv.set(keyOf(fam), { cur: next, prev: jti }, ttlSeconds);
}
