import { DEFAULTS } from '@waymark/express';
import type { ConfigProblem } from '@waymark/core';

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

const positive = (description: string) => ({ type: 'integer', minimum: 1, description });

/**
 * The JSON Schema of one rate limit: `false`, or `{ max, windowSeconds }` (plus `clientMax`
 * for the limits counted per client and source IP). The default is the adapter's own
 * (@waymark/express `DEFAULTS`), so there is one source for it.
 */
function rateLimitSchema(
  description: string,
  fallback: RateLimitSetting | ClientRateLimitSetting | false,
  what: string,
  withCeiling: boolean,
) {
  return {
    description,
    type: ['boolean', 'object'],
    default: fallback,
    if: { type: 'boolean' },
    then: { const: false, description: 'false turns the limit off' },
    else: {
      additionalProperties: false,
      required: ['max', 'windowSeconds'],
      properties: {
        max: positive(
          withCeiling
            ? `${what} per public client and source IP per window, a positive integer`
            : `${what} per client and source IP per window, a positive integer`,
        ),
        ...(withCeiling
          ? { clientMax: positive(`${what} per client over every source per window, a positive integer at least max (default 100 × max)`) }
          : {}),
        windowSeconds: positive('the window in seconds, a positive integer'),
      },
    },
  } as const;
}

/** The JSON Schema properties of the limit keys, for `serverConfigSchema`. */
export const limitsSchemaProperties = {
  parRateLimit: rateLimitSchema(
    'the PAR rate limit (RFC 9126 §2.3): false for none, or { "max": 60, "clientMax": 6000, "windowSeconds": 60 } (max per public client and source IP, clientMax per client). Default 60 and 6000 per 60 s',
    DEFAULTS.parRateLimit,
    'pushed requests',
    true,
  ),
  journeyStartRateLimit: rateLimitSchema(
    'journey starts, counted as PAR is: false for none, or { "max": 60, "clientMax": 6000, "windowSeconds": 60 }. Default 60 and 6000 per 60 s',
    DEFAULTS.journeyStartRateLimit,
    'journey starts',
    true,
  ),
  authFailureRateLimit: rateLimitSchema(
    'failed client authentications per client and source IP: false for none, or { "max": 20, "windowSeconds": 600 }. Default 20 per 600 s',
    DEFAULTS.authFailureRateLimit,
    'failed client authentications',
    false,
  ),
  // No `default` keyword: with Redis stores the key must be absent (Redis's maxmemory bounds
  // journeys there), so a filled-in default would hide whether it was given.
  maxLiveJourneys: positive(
    'live journeys one process holds with memory stores, a positive integer such as 20000; past it a new journey gets 503. Not with Redis (bound Redis memory with maxmemory). Default 20000',
  ),
} as const;

/** What the schema cannot say: `clientMax` is at least `max`. One problem per limit that breaks it. */
export function limitProblems(config: LimitSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of ['parRateLimit', 'journeyStartRateLimit'] as const) {
    const limit = config[key];
    if (limit && limit.clientMax !== undefined && limit.clientMax < limit.max)
      problems.push({
        code: 'ERR_CONFIG_INVALID',
        pointer: `/${key}/clientMax`,
        message: `must be at least max (${limit.max}): the ceiling per client covers every source together`,
      });
  }
  return problems;
}

/** The limit keys of a checked configuration (defaults filled in by the schema). */
export function limitsOf(config: LimitSettings): LimitSettings {
  const settings: LimitSettings = {};
  if (config.parRateLimit !== undefined) settings.parRateLimit = config.parRateLimit;
  if (config.journeyStartRateLimit !== undefined) settings.journeyStartRateLimit = config.journeyStartRateLimit;
  if (config.authFailureRateLimit !== undefined) settings.authFailureRateLimit = config.authFailureRateLimit;
  if (config.maxLiveJourneys !== undefined) settings.maxLiveJourneys = config.maxLiveJourneys;
  return settings;
}
