import type { Express } from 'express';
import type { TrustedIssuer } from '@waymark/admin';

/**
 * `admin.mcp` of the serve configuration: Waymark's MCP server over streamable HTTP at `/mcp`,
 * an OAuth protected resource (`<issuer>/mcp`) whose tokens come from the admin API's issuers.
 * Absent: no `/mcp`. The tools call the admin API as the caller, so the admin API also accepts
 * the `<issuer>/mcp` audience when this is set.
 */
export interface McpSettings {
  /** Offer the write tools. Default false (read-only). */
  allowWrites?: boolean;
  /** Allow writes in production mode (the admin's allowWritesInProduction must be set too). Default false. */
  allowProductionWrites?: boolean;
  /** Only these tools or collections. Default all. */
  includeTools?: string[];
  /** Never these tools or collections. Default none. */
  excludeTools?: string[];
}

const names = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

/** The JSON Schema of `admin.mcp`. */
export const mcpSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'the MCP server over streamable HTTP at /mcp (resource <issuer>/mcp): { "allowWrites": false }',
  properties: {
    allowWrites: {
      type: 'boolean',
      default: false,
      description: 'true offers the write tools (save, activate, clients…). Default false (read-only)',
    },
    allowProductionWrites: {
      type: 'boolean',
      default: false,
      description: 'true allows writes in production mode, with "allowWritesInProduction" of the admin section. Default false',
    },
    includeTools: { ...names, description: 'only these tools or collections (catalog, flows, operations, clients)' },
    excludeTools: { ...names, description: 'never these tools or collections; wins over includeTools' },
  },
} as const;

/** The MCP endpoint's resource identifier: `<issuer>/mcp`. */
export const mcpResourceOf = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/mcp`;

/**
 * Mounts `/mcp` and its RFC 9728 metadata on `outer` when `admin.mcp` is set. `@waymark/mcp`
 * (and the MCP SDK) is loaded only then, so a server without it starts as fast as before.
 */
export async function withMcp(
  outer: Express,
  settings: McpSettings | undefined,
  issuer: string,
  trustedIssuers: readonly TrustedIssuer[],
): Promise<void> {
  if (settings === undefined) return;
  const { createMcpHttpRouter } = await import('@waymark/mcp');
  outer.use(
    createMcpHttpRouter({
      resource: mcpResourceOf(issuer),
      trustedIssuers,
      allowWrites: settings.allowWrites ?? false,
      allowProductionWrites: settings.allowProductionWrites ?? false,
      ...(settings.includeTools ? { include: settings.includeTools } : {}),
      ...(settings.excludeTools ? { exclude: settings.excludeTools } : {}),
    }),
  );
}
