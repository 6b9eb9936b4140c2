import { randomUUID } from 'node:crypto';
import { normalizeIp, type Clock, type CounterStore, type JsonObject, type JsonValue, type KeyValueStore } from '@waymark/sdk';
import { isbot } from 'isbot';
import { LOCAL_RISK_DEFAULTS, type LocalRiskOptions } from './defaults.js';
import { deviceFingerprint, hashDeviceId } from './device.js';
import { haversineKm, locateIp, type GeoLocation } from './geo.js';
import {
  RiskProviderError,
  type CompletionStatus,
  type RiskEvaluation,
  type RiskInput,
  type RiskLevel,
  type RiskPredictorDetail,
  type RiskProvider,
} from './provider.js';
import { NODES_ERRORS } from '../errors.js';

/** Deep-partial options: a config may set any subset. */
export interface LocalRiskProviderInit {
  stores: { kv: KeyValueStore; counters: CounterStore };
  clock: Clock;
  options?: {
    weights?: Partial<LocalRiskOptions['weights']>;
    thresholds?: Partial<LocalRiskOptions['thresholds']>;
    travel?: Partial<LocalRiskOptions['travel']>;
    failures?: Partial<LocalRiskOptions['failures']>;
    maxKnownDevices?: number;
    lastSuccessTtlSeconds?: number;
    evaluationTtlSeconds?: number;
    geoDatabasePath?: string;
  };
}

interface LastSuccess {
  country: string;
  lat?: number;
  lon?: number;
  at: number;
}

interface KnownDevice {
  /** hashDeviceId of the cookie value */
  h: string;
  fp: string;
  seen: number;
}

interface EvaluationRecord {
  userId: string;
  ip: string;
  country?: string;
  lat?: number;
  lon?: number;
  device?: string;
  fp: string;
}

const FACTOR: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 0.5, HIGH: 1 };

const key = {
  last: (user: string) => `risk:last-success:${encodeURIComponent(user)}`,
  devices: (user: string) => `risk:devices:${encodeURIComponent(user)}`,
  evaluation: (id: string) => `risk:evaluation:${id}`,
  userFailures: (user: string) => `risk:failures:user:${encodeURIComponent(user)}`,
  ipFailures: (ip: string) => `risk:failures:ip:${ip}`,
};

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function readLastSuccess(v: JsonValue | undefined): LastSuccess | undefined {
  if (!isObject(v)) return undefined;
  const country = str(v.country);
  const at = num(v.at);
  if (country === undefined || at === undefined) return undefined;
  return { country, at, lat: num(v.lat), lon: num(v.lon) };
}

function readDevices(v: JsonValue | undefined): KnownDevice[] {
  if (!Array.isArray(v)) return [];
  const out: KnownDevice[] = [];
  for (const d of v) {
    if (!isObject(d)) continue;
    const h = str(d.h);
    const fp = str(d.fp);
    const seen = num(d.seen);
    if (h !== undefined && fp !== undefined && seen !== undefined) out.push({ h, fp, seen });
  }
  return out;
}

function readEvaluation(v: JsonValue | undefined): EvaluationRecord | undefined {
  if (!isObject(v)) return undefined;
  const userId = str(v.userId);
  const ip = str(v.ip);
  const fp = str(v.fp);
  if (userId === undefined || ip === undefined || fp === undefined) return undefined;
  return { userId, ip, fp, country: str(v.country), lat: num(v.lat), lon: num(v.lon), device: str(v.device) };
}

function compact(o: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The built-in risk engine: real predictors from shipped data, state in the journey stores
 * (`kv` for last successes, known devices and open evaluations; `counters` for failures).
 * Predictors: `geolocation` (informational), `impossibleTravel`, `newDevice`, `botDetection`,
 * `userVelocity`, `ipVelocity`. Score = Σ weight × (HIGH 1, MEDIUM ½, LOW 0).
 *
 * @example
 * const provider = new LocalRiskProvider({ stores, clock, options: { thresholds: { high: 100 } } });
 * const evaluation = await provider.evaluate({ ip, userId: 'u1', userAgent, deviceId });
 * await provider.complete(evaluation.id, 'SUCCESS', { ip, userId: 'u1' });
 */
export class LocalRiskProvider implements RiskProvider {
  readonly #kv: KeyValueStore;
  readonly #counters: CounterStore;
  readonly #clock: Clock;
  readonly #o: LocalRiskOptions;

  constructor(init: LocalRiskProviderInit) {
    this.#kv = init.stores.kv;
    this.#counters = init.stores.counters;
    this.#clock = init.clock;
    const o = init.options ?? {};
    const d = LOCAL_RISK_DEFAULTS;
    this.#o = {
      weights: { ...d.weights, ...o.weights },
      thresholds: { ...d.thresholds, ...o.thresholds },
      travel: { ...d.travel, ...o.travel },
      failures: { ...d.failures, ...o.failures },
      maxKnownDevices: o.maxKnownDevices ?? d.maxKnownDevices,
      lastSuccessTtlSeconds: o.lastSuccessTtlSeconds ?? d.lastSuccessTtlSeconds,
      evaluationTtlSeconds: o.evaluationTtlSeconds ?? d.evaluationTtlSeconds,
      geoDatabasePath: o.geoDatabasePath,
    };
  }

  async evaluate(input: RiskInput): Promise<RiskEvaluation> {
    const ip = normalizeIp(input.ip) ?? input.ip;
    const now = this.#clock.now();
    const geo = await locateIp(ip, this.#o.geoDatabasePath);
    const deviceHash = input.deviceId === undefined ? undefined : hashDeviceId(input.deviceId);
    const fp = deviceFingerprint(input.userAgent, input.clientHints);
    const [last, devices, userFailures, ipFailures] = await Promise.all([
      this.#kv.get(key.last(input.userId)).then(readLastSuccess),
      this.#kv.get(key.devices(input.userId)).then(readDevices),
      this.#counters.get(key.userFailures(input.userId)),
      this.#counters.get(key.ipFailures(ip)),
    ]);

    const w = this.#o.weights;
    const f = this.#o.failures;
    const levels: Record<string, [RiskLevel, string, number]> = {
      impossibleTravel: [...this.#travel(geo, last, now), w.impossibleTravel],
      newDevice: [...this.#device(deviceHash, fp, devices), w.newDevice],
      botDetection: [...this.#bot(input.userAgent), w.botDetection],
      userVelocity: [...velocity(userFailures, f.userMedium, f.userHigh, 'user'), w.userVelocity],
      ipVelocity: [...velocity(ipFailures, f.ipMedium, f.ipHigh, 'IP'), w.ipVelocity],
    };
    const details: Record<string, RiskPredictorDetail> = {
      geolocation: { level: 'LOW', reason: geo ? `country ${geo.country}` : 'no location for this address (private, reserved or unknown)' },
    };
    let score = 0;
    for (const [name, [level, reason, weight]] of Object.entries(levels)) {
      const s = weight * FACTOR[level];
      score += s;
      details[name] = { level, score: s, reason };
    }
    const t = this.#o.thresholds;
    const level: RiskLevel = score >= t.high ? 'HIGH' : score >= t.medium ? 'MEDIUM' : 'LOW';
    const id = randomUUID();
    const record = compact({ userId: input.userId, ip, country: geo?.country, lat: geo?.lat, lon: geo?.lon, device: deviceHash, fp });
    await this.#kv.set(key.evaluation(id), record, this.#o.evaluationTtlSeconds);
    const evaluation: RiskEvaluation = { id, level, score, details };
    if (details.botDetection?.level === 'HIGH') evaluation.recommendedAction = 'BOT_MITIGATION';
    return evaluation;
  }

  async complete(id: string, status: CompletionStatus, input: RiskInput): Promise<void> {
    const record = readEvaluation(await this.#kv.get(key.evaluation(id)));
    if (!record || record.userId !== input.userId) {
      throw new RiskProviderError(NODES_ERRORS.ERR_RISK_UNKNOWN_EVALUATION, 'risk evaluation is unknown, expired, already completed or for another user');
    }
    // An evaluation completes once: a replayed completion cannot teach a device twice.
    await this.#kv.delete(key.evaluation(id));
    const now = this.#clock.now();
    if (status === 'FAILED') {
      await Promise.all([
        this.#counters.increment(key.userFailures(record.userId), this.#o.failures.windowSeconds),
        this.#counters.increment(key.ipFailures(record.ip), this.#o.failures.windowSeconds),
      ]);
      return;
    }
    // A success clears the user's failures; the IP's stay (one success from a sprayer's IP
    // must not wipe what it did to other accounts).
    await this.#counters.reset(key.userFailures(record.userId));
    if (record.country !== undefined) {
      const last = compact({ country: record.country, lat: record.lat, lon: record.lon, at: now });
      await this.#kv.set(key.last(record.userId), last, this.#o.lastSuccessTtlSeconds);
    }
    if (record.device !== undefined) {
      const devices = readDevices(await this.#kv.get(key.devices(record.userId))).filter((d) => d.h !== record.device);
      devices.push({ h: record.device, fp: record.fp, seen: now });
      devices.sort((a, b) => b.seen - a.seen);
      const kept = devices.slice(0, this.#o.maxKnownDevices).map((d) => ({ h: d.h, fp: d.fp, seen: d.seen }));
      await this.#kv.set(key.devices(record.userId), kept);
    }
  }

  #travel(geo: GeoLocation | undefined, last: LastSuccess | undefined, now: number): [RiskLevel, string] {
    const t = this.#o.travel;
    if (!geo) return ['LOW', 'no location for this address'];
    if (!last) return ['LOW', 'no previous successful login with a location'];
    const elapsedMs = Math.max(0, now - last.at);
    if (elapsedMs >= t.maxAgeHours * 3_600_000) return ['LOW', `last successful login is over ${t.maxAgeHours} h old`];
    // Country-level data puts every address of a country on one point: a same-country change is
    // no travel we can measure. risk-notes: it must never count more than MEDIUM anyway.
    if (geo.country === last.country) return ['LOW', `same country as the last successful login (${geo.country})`];
    if (geo.lat === undefined || geo.lon === undefined || last.lat === undefined || last.lon === undefined) {
      return ['MEDIUM', `country changed ${last.country} → ${geo.country} within ${t.maxAgeHours} h (distance unknown)`];
    }
    const km = haversineKm(last.lat, last.lon, geo.lat, geo.lon);
    const hours = Math.max(elapsedMs, 1000) / 3_600_000;
    const speed = km / hours;
    const trip = `${last.country} → ${geo.country}: ${Math.round(km)} km in ${Math.round(elapsedMs / 60_000)} min (${Math.round(speed)} km/h)`;
    if (km >= t.minDistanceKm && speed > t.maxSpeedKmh) return ['HIGH', `impossible travel ${trip}`];
    return ['LOW', `possible travel ${trip}`];
  }

  #device(deviceHash: string | undefined, fp: string, devices: KnownDevice[]): [RiskLevel, string] {
    if (devices.length === 0) return ['MEDIUM', 'no known devices for this user yet'];
    const known = deviceHash === undefined ? undefined : devices.find((d) => d.h === deviceHash);
    if (known) return known.fp === fp ? ['LOW', 'known device'] : ['MEDIUM', 'known device cookie with a different browser or OS'];
    if (devices.some((d) => d.fp === fp)) return ['MEDIUM', 'unknown device cookie; this browser and OS were seen before'];
    return ['HIGH', 'new device'];
  }

  #bot(userAgent: string | undefined): [RiskLevel, string] {
    if (userAgent === undefined || userAgent.trim() === '') return ['MEDIUM', 'no user agent'];
    return isbot(userAgent) ? ['HIGH', 'bot user agent'] : ['LOW', 'browser user agent'];
  }
}

function velocity(count: number, medium: number, high: number, who: string): [RiskLevel, string] {
  const reason = `${count} failed login${count === 1 ? '' : 's'} for this ${who} in the window`;
  return [count >= high ? 'HIGH' : count >= medium ? 'MEDIUM' : 'LOW', reason];
}
