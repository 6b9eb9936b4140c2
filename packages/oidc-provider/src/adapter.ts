import type { CounterStore, JsonValue, KeyValueStore } from '@waymark/sdk';
import { errors } from 'oidc-provider';

/*
 * oidc-provider's storage contract on top of Waymark's `stores.kv`, so that the provider's
 * sessions, interactions, codes, tokens and grants live where the journeys live: in memory for
 * one process, in Redis when the stores are Redis (then every process shares them).
 *
 * Key layout (all under `oidc:`):
 *   oidc:<Model>:<id>          the payload, with the TTL oidc-provider asked for
 *   oidc:uid:<uid>             Session uid → session id (findByUid)
 *   oidc:userCode:<code>       device user code → DeviceCode id (findByUserCode)
 *   oidc:grant:<grantId>       the keys of every grantable artefact of one grant (revokeByGrantId)
 * and, in `stores.counters`:
 *   oidc:consumed:<Model>:<id> how many redemptions tried to consume the artefact
 *
 * Atomic consumption. oidc-provider reads an authorization code (a device code, a CIBA request,
 * a rotated refresh token), sees it unconsumed, calls `consume`, then issues tokens: two
 * redemptions racing in two processes (or in one, on Redis) would both read it unconsumed. So
 * `consume` first counts the redemption with the counter store's atomic increment (one Lua
 * script on Redis): only the first gets 1 and goes on; every other one is refused with
 * `invalid_grant` (RFC 6749 §5.2), and, as oidc-provider does for a reuse it sees itself, the
 * grant is revoked (RFC 6749 §4.1.2: a code used twice; RFC 9700 §4.14.2: a refresh token
 * reused). Without a counter store (`kvAdapter(kv)` alone) consumption is read-then-write, atomic
 * only in one process on memory stores.
 *
 * The grant index stays read-then-write: an update lost to a race leaves one artefact that
 * `revokeByGrantId` misses until its own TTL ends.
 */

/** A stored artefact: JSON, with the few fields the adapter indexes. */
export interface AdapterPayload {
  uid?: string;
  userCode?: string;
  grantId?: string;
  jti?: string;
  exp?: number;
  consumed?: number;
  [field: string]: unknown;
}

/** oidc-provider's storage adapter contract (its documentation: "adapter"); `expiresIn` in seconds. */
export interface OidcStorageAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** Models whose artefacts belong to a grant and die with it (oidc-provider's list). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Grant index: artefact key → its expiry (epoch ms, or null for none). */
type GrantIndex = Record<string, number | null>;

const key = (model: string, id: string) => `oidc:${model}:${id}`;
const uidKey = (uid: string) => `oidc:uid:${uid}`;
const userCodeKey = (code: string) => `oidc:userCode:${code}`;
const grantKey = (grantId: string) => `oidc:grant:${grantId}`;
const consumedKey = (model: string, id: string) => `oidc:consumed:${model}:${id}`;

/** What oidc-provider calls each consumable artefact in its own `invalid_grant` descriptions. */
const LABELS: Record<string, string> = {
  AuthorizationCode: 'authorization code',
  DeviceCode: 'device code',
  BackchannelAuthenticationRequest: 'backchannel authentication request',
  RefreshToken: 'refresh token',
  PreAuthorizedCode: 'pre-authorized code',
};

function isPayload(value: JsonValue | undefined): value is JsonValue & AdapterPayload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: JsonValue | undefined): value is JsonValue & GrantIndex {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds until the latest expiry of an index; undefined when one member never expires. */
function indexTtl(index: GrantIndex, now: number): number | undefined {
  let latest = 0;
  for (const expiresAt of Object.values(index)) {
    if (expiresAt === null) return undefined;
    latest = Math.max(latest, expiresAt);
  }
  return Math.max(1, Math.ceil((latest - now) / 1000));
}

class KvAdapter implements OidcStorageAdapter {
  readonly #model: string;
  readonly #kv: KeyValueStore;
  readonly #now: () => number;
  readonly #counters: CounterStore | undefined;

  constructor(model: string, kv: KeyValueStore, now: () => number, counters: CounterStore | undefined) {
    this.#model = model;
    this.#kv = kv;
    this.#now = now;
    this.#counters = counters;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const k = key(this.#model, id);
    const ttl = typeof expiresIn === 'number' && expiresIn > 0 ? Math.ceil(expiresIn) : undefined;
    // Payloads are JSON by oidc-provider's contract (they survive JSON.stringify in its Redis example).
    await this.#kv.set(k, payload as JsonValue, ttl);
    if (this.#model === 'Session' && typeof payload.uid === 'string') await this.#kv.set(uidKey(payload.uid), id, ttl);
    if (typeof payload.userCode === 'string') await this.#kv.set(userCodeKey(payload.userCode), id, ttl);
    if (GRANTABLE.has(this.#model) && typeof payload.grantId === 'string') {
      const now = this.#now();
      const stored = await this.#kv.get(grantKey(payload.grantId));
      const index: GrantIndex = isIndex(stored) ? { ...(stored as GrantIndex) } : {};
      for (const [member, expiresAt] of Object.entries(index)) if (expiresAt !== null && expiresAt <= now) delete index[member];
      index[k] = ttl === undefined ? null : now + ttl * 1000;
      await this.#kv.set(grantKey(payload.grantId), index, indexTtl(index, now));
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const value = await this.#kv.get(key(this.#model, id));
    return isPayload(value) ? value : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.#kv.get(uidKey(uid));
    return typeof id === 'string' ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.#kv.get(userCodeKey(userCode));
    return typeof id === 'string' ? this.find(id) : undefined;
  }

  /**
   * Marks the artefact consumed (epoch seconds), keeping its remaining lifetime. With a counter
   * store, only the first call for an id does; any later one (a racing redemption) throws
   * oidc-provider's `invalid_grant` and revokes the grant.
   */
  async consume(id: string): Promise<void> {
    const payload = await this.find(id);
    // Gone since oidc-provider read it: a racing redemption revoked its grant.
    if (!payload && this.#counters) throw this.#reused();
    if (!payload) return;
    const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
    const now = Math.floor(this.#now() / 1000);
    const ttl = exp === undefined ? undefined : Math.max(1, exp - now);
    if (this.#counters) {
      // The counter outlives the artefact's remaining lifetime (a day for one without expiry,
      // where the stored `consumed` mark alone refuses a later reuse).
      const redemptions = await this.#counters.increment(consumedKey(this.#model, id), ttl ?? 86400);
      if (redemptions > 1) {
        if (typeof payload.grantId === 'string' && this.#model !== 'PushedAuthorizationRequest') {
          // What oidc-provider's revoke does for a reuse it sees: the grant's artefacts and the
          // grant itself, so that what the winner issues meanwhile dies at its next use.
          await this.revokeByGrantId(payload.grantId);
          await this.#kv.delete(key('Grant', payload.grantId));
        }
        throw this.#reused();
      }
    }
    await this.#kv.set(key(this.#model, id), { ...payload, consumed: now } as JsonValue, ttl);
  }

  /** What a redemption that lost the race gets: oidc-provider's own error for a reuse it sees. */
  #reused(): Error {
    // RFC 9126 §4: a request_uri is used once.
    if (this.#model === 'PushedAuthorizationRequest')
      return new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
    return new errors.InvalidGrant(`${LABELS[this.#model] ?? this.#model} already consumed`);
  }

  async destroy(id: string): Promise<void> {
    const payload = await this.find(id);
    await this.#kv.delete(key(this.#model, id));
    if (!payload) return;
    if (this.#model === 'Session' && typeof payload.uid === 'string' && (await this.#kv.get(uidKey(payload.uid))) === id)
      await this.#kv.delete(uidKey(payload.uid));
    if (typeof payload.userCode === 'string' && (await this.#kv.get(userCodeKey(payload.userCode))) === id)
      await this.#kv.delete(userCodeKey(payload.userCode));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const stored = await this.#kv.get(grantKey(grantId));
    if (isIndex(stored)) {
      for (const member of Object.keys(stored)) {
        const payload = await this.#kv.get(member);
        await this.#kv.delete(member);
        if (isPayload(payload) && typeof payload.userCode === 'string') await this.#kv.delete(userCodeKey(payload.userCode));
      }
    }
    await this.#kv.delete(grantKey(grantId));
  }
}

/**
 * oidc-provider's `adapter` option backed by a Waymark key-value store (`stores.kv`). Pass the
 * counter store too (`stores.counters`): codes, device codes and refresh tokens are then
 * consumed atomically, also across processes sharing Redis stores.
 *
 * @example
 * new Provider(issuer, { adapter: kvAdapter(stores.kv, Date.now, stores.counters) });
 */
export function kvAdapter(
  kv: KeyValueStore,
  now: () => number = Date.now,
  counters?: CounterStore,
): new (model: string) => OidcStorageAdapter {
  return class WaymarkKvAdapter extends KvAdapter {
    constructor(model: string) {
      super(model, kv, now, counters);
    }
  };
}
