import type { ClientInfo } from '@waymark/sdk';
import type { Client } from './types.js';

/**
 * The registered clients by id: a read-only view that `replace` swaps whole at run time (a
 * client changed, disabled or deleted in the client store). A request reads the view once per
 * lookup, so it sees the clients before or after a change, never half of one; a client no
 * longer in the view is unknown to every endpoint from then on (invalid_client).
 */
export class ClientRegistry {
  #clients: ReadonlyMap<string, Client>;
  #generation = 0;

  constructor(clients: readonly Client[]) {
    this.#clients = new Map(clients.map((c) => [c.clientId, c]));
  }

  /** Swaps in a new set of validated clients (from `loadClients`), atomically. */
  replace(clients: readonly Client[]): void {
    this.#clients = new Map(clients.map((c) => [c.clientId, c]));
    this.#generation++;
  }

  /** Bumped by every `replace`: what a value derived from the clients (the metadata) is cached by. */
  get generation(): number {
    return this.#generation;
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
