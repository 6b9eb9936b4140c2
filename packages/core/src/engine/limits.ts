import { WaymarkError } from '@waymark/sdk';
import { DEFAULT_LIMITS, type EngineLimits } from '../defaults.js';
import { CORE_ERRORS } from '../errors.js';

/** The engine's limits: the defaults with the given overrides, each checked to be a positive integer. */
export function engineLimits(overrides: Partial<EngineLimits> = {}): Readonly<EngineLimits> {
  const limits = Object.freeze({ ...DEFAULT_LIMITS, ...overrides });
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0)
      throw new WaymarkError(
        CORE_ERRORS.ERR_CONFIG_INVALID,
        `limits.${key} must be a positive integer (default ${String(DEFAULT_LIMITS[key as keyof EngineLimits])})`,
        {
          key: `limits.${key}`,
        },
      );
  }
  return limits;
}
