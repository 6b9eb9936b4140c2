import type { ClientInfo } from '@waymark/sdk';
import type { Client } from './types.js';

/** The registered clients by id. Built once at start-up; read-only afterwards. */
export class ClientRegistry {
  readonly #clients: ReadonlyMap<string, Client>;

  constructor(clients: readonly Client[]) {
    this.#clients = new Map(clients.map((c) => [c.clientId, c]));
  }

  /** The client with this id; undefined for an unknown id (answer invalid_client). */
  get(clientId: string): Client | undefined {
    return this.#clients.get(clientId);
  }

  all(): Client[] {
    return [...this.#clients.values()];
  }

  get size(): number {
    return this.#clients.size;
  }
}

const clientInfos = new WeakMap<Client, ClientInfo>();

/**
 * What the engine's node context exposes of a client (`ctx.client`): built once per client and
 * frozen (lists too), so the engine can hand it to nodes as it is, with no copy per journey.
 */
export function toClientInfo(client: Client): ClientInfo {
  let info = clientInfos.get(client);
  if (!info) {
    info = Object.freeze({
      clientId: client.clientId,
      redirectTargets: Object.freeze([...client.redirectTargets]),
      redirectUris: Object.freeze([...client.redirectUris]),
    }) as ClientInfo;
    clientInfos.set(client, info);
  }
  return info;
}
