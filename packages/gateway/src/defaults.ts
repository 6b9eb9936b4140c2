/** Every default of the gateway, with why. */
export const GATEWAY_DEFAULTS = {
  /** Largest request body read for inspection: MCP messages are small; a larger one is 413, never buffered without bound. */
  bodyLimit: 1024 * 1024,
  /** A mediated (exchanged) token is reused until this many seconds before it expires, so it never reaches the upstream stale. */
  exchangeRefreshSkewSeconds: 30,
  /** Exchanged tokens kept in memory at most (oldest dropped first). */
  exchangeCacheSize: 10_000,
  /** The header an API key is sent upstream in. */
  apiKeyHeader: 'x-api-key',
  /** The `_meta` key (and header) a retried tool call carries its approved transaction id in. */
  transactionMetaKey: 'io.waymark/transactionId',
  transactionHeader: 'x-transaction-id',
  /** 2025-era MCP sessions whose owner (subject) a process remembers, oldest forgotten first. */
  sessionBindings: 10_000,
  /** Upstream connections kept open per upstream origin (undici Pool). */
  upstreamConnections: 64,
} as const;
