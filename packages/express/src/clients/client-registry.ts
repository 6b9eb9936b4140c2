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

/** What the engine's node context exposes of a client (`ctx.client`). */
export function toClientInfo(client: Client): ClientInfo {
  return { clientId: client.clientId, redirectTargets: client.redirectTargets, redirectUris: client.redirectUris };
}
