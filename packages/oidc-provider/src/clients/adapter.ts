import type { Client } from '@waymark/core';
import type { ClientMetadata } from 'oidc-provider';
import type { AdapterPayload, OidcStorageAdapter } from '../adapter.js';
import type { StoreClients } from './store-clients.js';

type AdapterClass = new (model: string) => OidcStorageAdapter;

/** The `Client` model served from the client store: what oidc-provider looks up for every request naming a client not configured statically. */
class StoreClientAdapter implements OidcStorageAdapter {
  constructor(
    readonly clients: StoreClients,
    readonly metadataOf: (client: Client) => ClientMetadata,
  ) {}
  async find(id: string): Promise<AdapterPayload | undefined> {
    const client = await this.clients.find(id);
    return client ? (this.metadataOf(client) as AdapterPayload) : undefined;
  }
  // The client store is written by the admin API and the config seed only: dynamic registration is off.
  async upsert(): Promise<void> {}
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

/**
 * A rotated refresh token found again, judged by its client's policy (PingOne's refresh token
 * settings; oidc-provider rotates, `features.ts`):
 * - within the rolling grace period it is served as unused, so a client that lost the answer of
 *   a rotation can roll again;
 * - after it, with replay protection, oidc-provider sees it consumed and revokes the whole grant
 *   (every access and refresh token of the family, RFC 9700 §4.14.2);
 * - after it, without replay protection, it is served as expired: invalid_grant, the family lives.
 */
function judgeRotated(payload: AdapterPayload, client: Client | undefined, nowSeconds: number): AdapterPayload {
  if (payload.consumed === undefined || client === undefined) return payload;
  if (nowSeconds - payload.consumed < client.refreshTokenRollingGracePeriod) {
    const { consumed: _consumed, ...unused } = payload;
    return unused;
  }
  if (client.refreshTokenReplayProtection) return payload;
  const { consumed: _consumed, ...rest } = payload;
  return { ...rest, exp: Math.min(payload.exp ?? payload.consumed, payload.consumed) };
}

/** The client of a pushed request: its stored request object's `iss` (oidc-provider keeps no clientId beside it). */
function requestClientId(payload: AdapterPayload): string | undefined {
  if (typeof payload.clientId === 'string') return payload.clientId;
  const part = typeof payload.request === 'string' ? payload.request.split('.')[1] : undefined;
  if (part === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { iss?: unknown; client_id?: unknown };
    return typeof claims.client_id === 'string' ? claims.client_id : typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * oidc-provider's storage adapter with clients from the client store and refresh tokens judged
 * by their client's rotation policy; every other model is the base adapter's.
 */
export function withStoreClients(
  base: AdapterClass,
  clients: StoreClients,
  metadataOf: (client: Client) => ClientMetadata,
  now: () => number,
): AdapterClass {
  return class WaymarkClientAdapter {
    constructor(model: string) {
      if (model === 'Client') return new StoreClientAdapter(clients, metadataOf);
      const adapter = new base(model);
      if (model === 'PushedAuthorizationRequest') {
        // par_reference_timeout: oidc-provider stores every pushed request for 60 s; a client's shorter timeout wins.
        const upsert = adapter.upsert.bind(adapter);
        adapter.upsert = async (id, payload, expiresIn) => {
          const client = (() => {
            const id = requestClientId(payload);
            return id === undefined ? undefined : clients.current(id);
          })();
          if (!client || expiresIn === undefined || client.parReferenceTimeout >= expiresIn) return upsert(id, payload, expiresIn);
          const iat = typeof payload.iat === 'number' ? payload.iat : Math.floor(now() / 1000);
          return upsert(id, { ...payload, exp: iat + client.parReferenceTimeout }, client.parReferenceTimeout);
        };
        return adapter;
      }
      if (model !== 'RefreshToken') return adapter;
      const find = adapter.find.bind(adapter);
      const clientOf = async (payload: AdapterPayload) =>
        typeof payload.clientId === 'string' ? (clients.current(payload.clientId) ?? (await clients.find(payload.clientId))) : undefined;
      adapter.find = async (id) => {
        const payload = await find(id);
        if (!payload || typeof payload.clientId !== 'string') return payload;
        return judgeRotated(payload, await clientOf(payload), Math.floor(now() / 1000));
      };
      // A roll within the rolling grace period uses a token already consumed at its first rotation:
      // it stays consumed as it was (the atomic consume of the base adapter would count it as a
      // racing reuse and revoke the family, which the grace period exists to avoid).
      const consume = adapter.consume.bind(adapter);
      adapter.consume = async (id) => {
        const payload = await find(id);
        const client = payload ? await clientOf(payload) : undefined;
        if (
          payload?.consumed !== undefined &&
          client &&
          Math.floor(now() / 1000) - payload.consumed < client.refreshTokenRollingGracePeriod
        )
          return;
        return consume(id);
      };
      return adapter;
    }
  } as unknown as AdapterClass;
}
