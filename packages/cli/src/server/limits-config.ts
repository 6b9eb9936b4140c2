import { configError } from './config.js';

/** `{ max, windowSeconds }`, as `authFailureRateLimit` takes it. */
export interface RateLimitSetting {
  max: number;
  windowSeconds: number;
}

/** `{ max, clientMax?, windowSeconds }`, as `parRateLimit` and `journeyStartRateLimit` take it. */
export interface ClientRateLimitSetting extends RateLimitSetting {
  clientMax?: number;
}

/** The abuse limits of a serve configuration; undefined keeps the adapter's (or the memory stores') default. */
export interface LimitSettings {
  /** PAR budget (RFC 9126 §2.3): `max` per public client and source IP, `clientMax` per client; `false` for none. */
  parRateLimit?: ClientRateLimitSetting | false;
  /** Journey starts, counted as PAR is; `false` for none. */
  journeyStartRateLimit?: ClientRateLimitSetting | false;
  /** Failed client authentications per client and source IP; `false` for none. */
  authFailureRateLimit?: RateLimitSetting | false;
  /** Live journeys one process holds with memory stores (503 past it); refused with Redis, whose maxmemory bounds it there. */
  maxLiveJourneys?: number;
}

export const LIMIT_KEYS = ['parRateLimit', 'journeyStartRateLimit', 'authFailureRateLimit', 'maxLiveJourneys'] as const;

const positive = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

function rateLimit(key: string, value: unknown, withCeiling: boolean): ClientRateLimitSetting | false | undefined {
  if (value === undefined || value === false) return value;
  const allowed = withCeiling ? ['max', 'clientMax', 'windowSeconds'] : ['max', 'windowSeconds'];
  const example = withCeiling ? '{ "max": 60, "clientMax": 6000, "windowSeconds": 60 }' : '{ "max": 20, "windowSeconds": 600 }';
  const limit = value as Record<string, unknown> | null;
  if (
    limit === null ||
    typeof limit !== 'object' ||
    Array.isArray(limit) ||
    Object.keys(limit).some((k) => !allowed.includes(k)) ||
    !positive(limit.max) ||
    !positive(limit.windowSeconds) ||
    (limit.clientMax !== undefined && !(positive(limit.clientMax) && limit.clientMax >= limit.max))
  )
    throw configError(
      key,
      `must be false (no limit) or ${example} with positive integers${withCeiling ? ' (clientMax at least max)' : ''}`,
    );
  return { ...(limit as unknown as ClientRateLimitSetting) };
}

/**
 * Validates the limit keys of a serve configuration. ERR_CONFIG_INVALID names the key and the fix.
 *
 * @example
 * resolveLimitSettings({ parRateLimit: { max: 60, clientMax: 6000, windowSeconds: 60 }, maxLiveJourneys: 20000 });
 */
export function resolveLimitSettings(raw: Readonly<Record<string, unknown>>): LimitSettings {
  const settings: LimitSettings = {};
  const par = rateLimit('parRateLimit', raw.parRateLimit, true);
  if (par !== undefined) settings.parRateLimit = par;
  const starts = rateLimit('journeyStartRateLimit', raw.journeyStartRateLimit, true);
  if (starts !== undefined) settings.journeyStartRateLimit = starts;
  const failures = rateLimit('authFailureRateLimit', raw.authFailureRateLimit, false);
  if (failures !== undefined) settings.authFailureRateLimit = failures;
  if (raw.maxLiveJourneys !== undefined) {
    if (!positive(raw.maxLiveJourneys))
      throw configError(
        'maxLiveJourneys',
        'must be a positive integer, such as 20000 (live journeys one process holds with memory stores)',
      );
    settings.maxLiveJourneys = raw.maxLiveJourneys;
  }
  return settings;
}
