import { loadClientRecord, type Client } from '@waymark/core';
import type { ClientStore, Logger } from '@waymark/sdk';

/**
 * The provider's view of the client store (the control plane's, shared with the adapter): each
 * lookup reads the store, so a client changed or disabled in any process is served as it is now
 * by the very next request. A record is validated once per revision (`loadClientRecord`, the
 * adapter's rules); a disabled, deleted or invalid one is unknown here (invalid_client).
 */
export class StoreClients {
  readonly #store: ClientStore;
  readonly #logger: Logger;
  /** The last resolved version of each client, by id: its revision and the client. */
  readonly #resolved = new Map<string, { revision: number; client: Client | undefined }>();

  constructor(store: ClientStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** The enabled, valid client with this id as the store holds it now; undefined otherwise. */
  async find(clientId: string): Promise<Client | undefined> {
    const record = await this.#store.get(clientId);
    if (!record) {
      this.#resolved.delete(clientId);
      return undefined;
    }
    const known = this.#resolved.get(clientId);
    if (known?.revision === record.revision) return known.client?.enabled ? known.client : undefined;
    let client: Client | undefined;
    try {
      client = loadClientRecord(record);
    } catch (error) {
      this.#logger.warn('client refused by the OpenID Provider: fix it in the client store', {
        client_id: clientId,
        code: (error as { code?: string }).code,
        reason: (error as Error).message,
      });
    }
    this.#resolved.set(clientId, { revision: record.revision, client });
    return client?.enabled ? client : undefined;
  }

  /**
   * The client as the last lookup in this process resolved it, for oidc-provider's synchronous
   * hooks (CORS, lifetimes), which run after the request's client was looked up.
   */
  current(clientId: string): Client | undefined {
    const client = this.#resolved.get(clientId)?.client;
    return client?.enabled ? client : undefined;
  }
}
