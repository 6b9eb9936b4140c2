import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { AdminClient } from '../admin-client.js';
import { McpToolError } from '../errors.js';
import type { Simulator } from '../simulate.js';

/** What a tool's handler reaches: the admin API (as the authenticated admin) and the local simulator. */
export interface ToolContext {
  admin: AdminClient;
  simulator: Simulator;
  /** Refuses a change against a production-mode server that does not allow it (before anything is sent). */
  guardWrite(): Promise<void>;
}

/** One tool: its name, whether it changes anything, its MCP description and arguments, its handler. */
export interface ToolSpec<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  /** catalog, flows, operations or clients: what allow/deny lists may name as a collection. */
  collection: 'catalog' | 'flows' | 'operations' | 'clients';
  title: string;
  description: string;
  /** A change (registered only with writes allowed). */
  write: boolean;
  annotations: ToolAnnotations;
  input: Shape;
  run(args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): Promise<unknown>;
}

/** Declares a tool (typed arguments from the zod shape). */
export function defineTool<Shape extends z.ZodRawShape>(spec: ToolSpec<Shape>): ToolSpec {
  return spec as unknown as ToolSpec;
}

/** A tool's answer: the JSON, as text (every MCP host shows text). */
export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/**
 * A failed call as an MCP tool error (`isError: true`, MCP 2025-11-25 server/tools "Error
 * Handling"): the code, the sentence naming the argument and the fix, and the problems of an
 * invalid flow or client. An unexpected error says only its class: never a stack, never a value.
 */
export function errorResult(error: unknown): CallToolResult {
  if (error instanceof McpToolError) {
    const { problems, ...rest } = error.details as { problems?: unknown };
    const lines = [`${error.code}: ${error.message}`];
    if (problems !== undefined) lines.push(`problems (fix each at its pointer, then call again):\n${JSON.stringify(problems, null, 2)}`);
    const extra = Object.keys(rest).length > 0 ? rest : undefined;
    return {
      isError: true,
      content: [{ type: 'text', text: lines.join('\n') }],
      structuredContent: { code: error.code, message: error.message, ...(problems !== undefined ? { problems } : {}), ...(extra ?? {}) },
    };
  }
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: `ERR_MCP_INTERNAL: the tool failed unexpectedly (${(error as Error)?.name ?? 'error'}); try again, or report it`,
      },
    ],
  };
}
