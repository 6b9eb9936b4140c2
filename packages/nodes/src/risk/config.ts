import type { NodeContext } from '@waymark/sdk';
import { LOCAL_RISK_DEFAULTS as D } from './defaults.js';
import { HttpRiskProvider } from './http-provider.js';
import { LocalRiskProvider, type LocalRiskProviderInit } from './local-provider.js';
import { RiskProviderError, type RiskProvider } from './provider.js';
import { NODES_ERRORS } from '../errors.js';

/* JSON Schema fragments shared by risk.evaluate and risk.feedback (both must talk to the same
 * provider). Defaults come from defaults.ts, where each one is explained. */

const n = (def: number, minimum = 0) => ({ type: 'number', minimum, default: def }) as const;
const i = (def: number, minimum = 1) => ({ type: 'integer', minimum, default: def }) as const;

export const providerSchema = {
  description: 'Which risk engine: "local" (built in) or "http" (Protect-shaped service). Omitted: services.riskProvider when wired, else local.',
  enum: ['local', 'http'],
} as const;

export const httpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'environmentId'],
  properties: {
    baseUrl: { type: 'string', format: 'uri', pattern: '^https?://', description: 'API base, e.g. https://api.pingone.eu/v1' },
    environmentId: { type: 'string', minLength: 1 },
    token: { type: 'string', minLength: 1, description: 'Bearer token (development only: flows are reviewed in the open; prefer tokenSecret)' },
    tokenSecret: { type: 'string', minLength: 1, description: 'Name of the bearer token in services.secretSource' },
    timeoutMs: i(5000),
  },
} as const;

export const localSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    weights: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        impossibleTravel: n(D.weights.impossibleTravel),
        newDevice: n(D.weights.newDevice),
        botDetection: n(D.weights.botDetection),
        userVelocity: n(D.weights.userVelocity),
        ipVelocity: n(D.weights.ipVelocity),
      },
    },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { medium: n(D.thresholds.medium), high: n(D.thresholds.high) },
    },
    travel: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxAgeHours: n(D.travel.maxAgeHours),
        minDistanceKm: n(D.travel.minDistanceKm),
        maxSpeedKmh: n(D.travel.maxSpeedKmh, 1),
      },
    },
    failures: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        windowSeconds: i(D.failures.windowSeconds),
        userMedium: i(D.failures.userMedium),
        userHigh: i(D.failures.userHigh),
        ipMedium: i(D.failures.ipMedium),
        ipHigh: i(D.failures.ipHigh),
      },
    },
    maxKnownDevices: i(D.maxKnownDevices),
    geoDatabasePath: { type: 'string', minLength: 1, description: 'An mmdb file ({ country_code }) the operator keeps current' },
  },
} as const;

/** `provider: "http"` needs an `http` block: checked at flow load, not at the first login. */
export const requireHttpWhenChosen = {
  if: { required: ['provider'], properties: { provider: { const: 'http' } } },
  then: { required: ['http'] },
} as const;

export interface ProviderConfig {
  provider?: 'local' | 'http';
  http?: { baseUrl: string; environmentId: string; token?: string; tokenSecret?: string; timeoutMs: number };
  local: LocalRiskProviderInit['options'];
}

/** The provider a node uses, and its name for `state.risk.provider`. */
export async function resolveProvider(ctx: NodeContext, config: ProviderConfig): Promise<{ provider: RiskProvider; name: string }> {
  if (config.provider === undefined && ctx.services.riskProvider) return { provider: ctx.services.riskProvider, name: 'service' };
  if (config.provider === 'http') {
    const http = config.http;
    if (!http) throw new RiskProviderError(NODES_ERRORS.ERR_RISK_CONFIG, 'provider "http" needs an "http" config block');
    const secretName = http.tokenSecret;
    const token = http.token ?? (secretName === undefined ? undefined : await ctx.services.secretSource?.get(secretName));
    if (token === undefined || token === '') {
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_CONFIG, 'provider "http" has no bearer token: set http.tokenSecret and wire services.secretSource', {
        key: 'http.tokenSecret',
      });
    }
    const provider = new HttpRiskProvider({ ...http, token, fetch: ctx.services.fetch });
    return { provider, name: 'http' };
  }
  const provider = new LocalRiskProvider({ stores: ctx.services.stores, clock: ctx.services.clock, options: config.local });
  return { provider, name: 'local' };
}

/** The user the journey is about: `state[userFrom]`, else `state.username`. */
export function riskUserId(state: NodeContext['state'], userFrom: string): string | undefined {
  for (const key of [userFrom, 'username']) {
    const v = state[key];
    if (typeof v === 'string' && v !== '' && v.length <= 256) return v;
  }
  return undefined;
}
