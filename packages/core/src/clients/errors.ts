import { WaymarkError } from '@waymark/sdk';

/** One problem found in the client configuration. */
export interface ClientConfigProblem {
  /** Position in the `clients` array. */
  index: number;
  /** The `client_id`, when the entry has a usable one. */
  clientId: string | undefined;
  /** The offending field (a JSON pointer below the client, `/redirect_uris/0`), or `/` for the entry. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
  /**
   * The JSON pointer of the offending place in the `clients` array (`/1/client_secret`). With
   * `code` and `message` it is the problem shape of every Waymark configuration (core's
   * `ConfigProblem`).
   */
  pointer: string;
  code: 'ERR_CLIENT_CONFIG';
}

/**
 * Thrown when any client configuration is invalid (start-up, or a client read from the client
 * store); lists every problem at once. `details` has the shape of core's `ConfigInvalidError`
 * (`problems`, and `key`: the pointer of the first problem) under its own code.
 */
export class ClientConfigError extends WaymarkError {
  readonly problems: readonly ClientConfigProblem[];

  constructor(found: readonly Omit<ClientConfigProblem, 'pointer' | 'code'>[]) {
    const problems: ClientConfigProblem[] = found.map((p) => ({
      ...p,
      pointer: `${p.index >= 0 ? `/${p.index}` : ''}${p.field === '/' ? '' : p.field}`,
      code: 'ERR_CLIENT_CONFIG',
    }));
    super(
      'ERR_CLIENT_CONFIG',
      `client configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  clients[${p.index}]${p.clientId ? ` ("${p.clientId}")` : ''} ${p.field}: ${p.message}`).join('\n'),
      { key: problems[0]?.pointer ?? '', problems },
    );
    this.name = 'ClientConfigError';
    this.problems = problems;
  }
}
