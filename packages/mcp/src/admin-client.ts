import { randomUUID } from 'node:crypto';
import { McpToolError, type Problem } from './errors.js';

/** Where the admin token comes from: a fixed one (stdio), or the caller's (HTTP), read per call. */
export type TokenSource = () => string | Promise<string>;

/** Options of {@link AdminClient}. */
export interface AdminClientOptions {
  /** The Waymark server, such as `https://login.example.com` (the admin API is at `<url>/admin/v1`). */
  url: string;
  /** The admin's bearer access token (`waymark:admin:read`, and `:write` for changes). Never shown to the agent. */
  token: TokenSource;
  /** The session id sent with every call (`X-Waymark-Session-Id`): one per MCP session. */
  sessionId: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Sent as `User-Agent`. */
  userAgent?: string;
}

/** A JSON answer of the admin API, with the transaction id it was made under. */
export interface AdminAnswer<T> {
  status: number;
  body: T;
  etag: string | undefined;
  /** The `X-Request-Id` the call carried: its transaction id in the audit trail. */
  transactionId: string;
}

/**
 * The admin API over HTTP, as the authenticated admin: every call carries the admin's bearer
 * token (RFC 6750 §2.1), the MCP session id (`X-Waymark-Session-Id`) and a new transaction id
 * (`X-Request-Id`), which the admin API writes into the audit events of the call (the PingOne
 * MCP server's `X-Ping-External-Session-Id` / `-Transaction-Id` pair).
 */
export class AdminClient {
  readonly #base: string;
  readonly #options: AdminClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: AdminClientOptions) {
    this.#base = `${options.url.replace(/\/+$/, '')}/admin/v1`;
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  get sessionId(): string {
    return this.#options.sessionId;
  }

  /** One call; an error answer becomes {@link McpToolError} `ERR_MCP_ADMIN` with the admin's code and problems (never a token). */
  async call<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string | number | undefined>; ifMatch?: number } = {},
  ): Promise<AdminAnswer<T>> {
    const transactionId = randomUUID();
    const query = Object.entries(options.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
    const url = `${this.#base}${path}${query.length > 0 ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ''}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.#options.token()}`,
      'x-request-id': transactionId,
      'x-waymark-session-id': this.#options.sessionId,
      'user-agent': this.#options.userAgent ?? 'waymark-mcp/0.1.0',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // RFC 9110 §13.1.1: compare-and-set on what the agent read.
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    let res: Response;
    try {
      res = await this.#fetch(url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    } catch (error) {
      throw new McpToolError(
        'ERR_MCP_UNREACHABLE',
        `the Waymark admin API at ${this.#base} could not be reached (${(error as Error).message}): check --url and that the server runs`,
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = {};
    }
    if (!res.ok) {
      const b = body as { code?: string; error_description?: string; problems?: Problem[] };
      const code = b.code ?? `HTTP_${res.status}`;
      throw new McpToolError('ERR_MCP_ADMIN', `the admin API answered ${res.status} ${code}: ${b.error_description ?? 'no description'}`, {
        status: res.status,
        adminCode: code,
        ...(b.problems ? { problems: b.problems } : {}),
        transactionId,
      });
    }
    return { status: res.status, body: body as T, etag: res.headers.get('etag') ?? undefined, transactionId };
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<AdminAnswer<T>> {
    return this.call<T>('GET', path, query ? { query } : {});
  }
}

/** A new session id. */
export const newSessionId = (): string => randomUUID();
