/** Engine limits. Each has a name, a default and a reason. A flow may override the first three. */
export interface EngineLimits {
  /** Steps one journey may take in total: a loop guard. 100 is far above any real journey. */
  maxSteps: number;
  /** Per-node timeout (ms) unless the node type or flow says otherwise: 10 s is a slow HTTP call. */
  nodeTimeoutMs: number;
  /** Journey TTL while suspended (s), unless the flow sets `timeout`: 5 min, AIC's default. */
  journeyTtlSeconds: number;
  /** Largest persisted journey (bytes): 32 KiB keeps one Redis value small. */
  maxPersistedBytes: number;
  /** Largest value a submitted callback input may carry (chars): a password or a code, not a file. */
  maxInputLength: number;
  /** Subflows (`flow.run`) one journey may nest: 8 is deeper than any real journey (AIC inner trees rarely go past 3). */
  maxSubflowDepth: number;
}

export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxSteps: 100,
  nodeTimeoutMs: 10_000,
  journeyTtlSeconds: 300,
  maxPersistedBytes: 32_768,
  maxInputLength: 4_096,
  maxSubflowDepth: 8,
});
