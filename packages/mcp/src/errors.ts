/**
 * The codes of `@waymark/mcp`. A tool answers an error as an MCP tool error (`isError: true`)
 * whose text starts with the code, names the argument or the setting, and says the fix.
 */
export const MCP_ERRORS = {
  /** An argument is wrong: the text names it and the fix. */
  ERR_MCP_ARGUMENT: 'ERR_MCP_ARGUMENT',
  /** The admin API refused the call (its code and description follow; `problems` for an invalid flow or client). */
  ERR_MCP_ADMIN: 'ERR_MCP_ADMIN',
  /** The admin API could not be reached. */
  ERR_MCP_UNREACHABLE: 'ERR_MCP_UNREACHABLE',
  /** A change against a production-mode server that does not allow it. */
  ERR_MCP_PRODUCTION_WRITE: 'ERR_MCP_PRODUCTION_WRITE',
  /** Bad options (a flag, an environment variable): the text names it and the fix. */
  ERR_MCP_OPTIONS: 'ERR_MCP_OPTIONS',
  /** No admin token was configured (stdio) or sent (HTTP), or it was refused at /mcp. */
  ERR_MCP_TOKEN: 'ERR_MCP_TOKEN',
  /** A tool failed unexpectedly (only the error's class is said). */
  ERR_MCP_INTERNAL: 'ERR_MCP_INTERNAL',
} as const;

export type McpErrorCode = keyof typeof MCP_ERRORS;

/** A problem of a flow or client, as the admin API lists them: the code, the JSON pointer and the fix. */
export interface Problem {
  code: string;
  pointer: string;
  message: string;
}

const BRAND = Symbol.for('@waymark/mcp.McpToolError');

/** An error a tool answers as `isError: true`, with a stable code and, for an invalid flow, its problems. */
export class McpToolError extends Error {
  readonly code: McpErrorCode;
  readonly details: Record<string, unknown>;
  readonly [BRAND] = true;
  constructor(code: McpErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpToolError';
    this.code = code;
    this.details = details;
  }
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** `ERR_MCP_ARGUMENT` naming the argument and the fix. */
export function badArgument(argument: string, fix: string, details: Record<string, unknown> = {}): McpToolError {
  return new McpToolError('ERR_MCP_ARGUMENT', `argument "${argument}": ${fix}`, { argument, ...details });
}

/** Options the server cannot start with (`ERR_MCP_OPTIONS`), naming the option and the fix. */
export class McpOptionsError extends Error {
  readonly code = 'ERR_MCP_OPTIONS';
  constructor(option: string, fix: string) {
    super(`${option}: ${fix}`);
    this.name = 'McpOptionsError';
  }
}
