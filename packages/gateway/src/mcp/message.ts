import type { IncomingHttpHeaders } from 'node:http';

/*
 * MCP request validation (PingGateway's McpValidationFilter): the JSON-RPC shape, and for the
 * 2026-07-28 wire format the mirrored `Mcp-Method` / `Mcp-Name` headers against the body. The
 * gateway always reads the body, so a 2025-era request (headers not authoritative) is judged on
 * its body alone, and a 2026-era one on both.
 */

/** The first protocol revision with the `Mcp-Method` / `Mcp-Name` headers and no initialize handshake. */
export const HEADER_ERA = '2026-07-28';

/** JSON-RPC 2.0 §5.1 codes, and MCP's. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  invalidParams: -32602,
  headerMismatch: -32020,
  urlElicitationRequired: -32042,
  /** The call waits for the person's approval out of band (CIBA): retry with the transaction id once they have approved. */
  approvalPending: -32043,
  forbidden: -32003,
  rateLimited: -32029,
} as const;

/** What the later steps (scopes, limits, policy, audit, metrics) know of a message. */
export interface McpMessage {
  kind: 'request' | 'notification' | 'response';
  id: string | number | undefined;
  /** The JSON-RPC method (undefined for a response the client sends back). */
  method: string | undefined;
  /** The tool (`tools/call`), prompt (`prompts/get`) or resource URI (`resources/read`). */
  name: string | undefined;
  /** `params.arguments` of a tools/call or prompts/get. */
  args: unknown;
  params: Record<string, unknown> | undefined;
  /** `2026` when the request speaks the header era (Mcp-Method / Mcp-Name), else `2025`. */
  era: '2025' | '2026';
}

export type McpParse =
  { ok: true; message: McpMessage } | { ok: false; status: number; code: number; text: string; id?: string | number | null };

const NAMED: Record<string, 'name' | 'uri'> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The 2026-07-28 header encoding: non-ASCII values travel as `=?base64?…?=`. */
export function decodeHeaderValue(value: string): string {
  const match = /^=\?base64\?(.*)\?=$/.exec(value);
  return match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : value;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses and judges one POSTed MCP message. */
export function parseMcpMessage(body: Buffer, headers: IncomingHttpHeaders): McpParse {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, code: RPC.parseError, text: 'Parse error: the body is not JSON', id: null };
  }
  // MCP 2025-06-18 removed JSON-RPC batching.
  if (Array.isArray(value))
    return { ok: false, status: 400, code: RPC.invalidRequest, text: 'Invalid Request: batches are not supported', id: null };
  if (value === null || typeof value !== 'object')
    return { ok: false, status: 400, code: RPC.invalidRequest, text: 'Invalid Request: a JSON-RPC message is an object', id: null };
  const msg = value as Record<string, unknown>;
  const rawId = msg.id;
  const idOk = rawId === undefined || typeof rawId === 'string' || (typeof rawId === 'number' && Number.isInteger(rawId));
  const id = idOk ? (rawId as string | number | undefined) : undefined;
  const bad = (text: string, code: number = RPC.invalidRequest, status = 400): McpParse => ({
    ok: false,
    status,
    code,
    text,
    id: id ?? null,
  });
  if (msg.jsonrpc !== '2.0') return bad('Invalid Request: "jsonrpc" must be "2.0"');
  if (!idOk) return bad('Invalid Request: "id" must be a string or an integer');
  const protocol = header(headers, 'mcp-protocol-version');
  const era = protocol !== undefined && protocol >= HEADER_ERA ? '2026' : '2025';
  if (msg.method === undefined) {
    // A response to a server's request (JSON-RPC §5): an id, and exactly one of result or error.
    if (id === undefined || 'result' in msg === 'error' in msg)
      return bad('Invalid Request: a message needs "method", or "id" with one of "result" or "error"');
    return { ok: true, message: { kind: 'response', id, method: undefined, name: undefined, args: undefined, params: undefined, era } };
  }
  if (typeof msg.method !== 'string' || msg.method.length === 0) return bad('Invalid Request: "method" must be a non-empty string');
  if (msg.params !== undefined && (msg.params === null || typeof msg.params !== 'object' || Array.isArray(msg.params)))
    return bad('Invalid params: "params" must be an object', RPC.invalidParams);
  const params = msg.params as Record<string, unknown> | undefined;
  const key = NAMED[msg.method];
  const name = key ? params?.[key] : undefined;
  if (key && (typeof name !== 'string' || name.length === 0))
    return bad(`Invalid params: ${msg.method} needs params.${key}`, RPC.invalidParams);
  if (era === '2026') {
    // 2026-07-28 Streamable HTTP: Mcp-Method (and Mcp-Name for named methods) must mirror the body, else 400 / -32020.
    const mirrored = header(headers, 'mcp-method');
    if (mirrored === undefined || decodeHeaderValue(mirrored) !== msg.method)
      return bad(`Header mismatch: Mcp-Method must be "${msg.method}"`, RPC.headerMismatch);
    if (key) {
      const mirroredName = header(headers, 'mcp-name');
      if (mirroredName === undefined || decodeHeaderValue(mirroredName) !== name)
        return bad(`Header mismatch: Mcp-Name must equal params.${key}`, RPC.headerMismatch);
    }
  }
  return {
    ok: true,
    message: {
      kind: id === undefined ? 'notification' : 'request',
      id,
      method: msg.method,
      name: typeof name === 'string' ? name : undefined,
      args: msg.method === 'tools/call' || msg.method === 'prompts/get' ? params?.arguments : undefined,
      params,
      era,
    },
  };
}

/** A JSON-RPC error object. */
export function rpcError(id: string | number | null | undefined, code: number, message: string, data?: unknown): object {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message, ...(data === undefined ? {} : { data }) } };
}
