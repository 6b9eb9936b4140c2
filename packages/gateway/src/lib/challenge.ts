import type { ServerResponse } from 'node:http';

/* RFC 7235 §2.1 quoted-string: escape backslash and double quote. */
const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

export interface Challenge {
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  description?: string;
  scope?: readonly string[];
  /** RFC 9728 §5.1: where the protected resource metadata is. */
  resourceMetadata?: string;
}

/** A `WWW-Authenticate: Bearer …` value (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(c: Challenge): string {
  const params: string[] = [];
  if (c.error) params.push(`error=${quoted(c.error)}`);
  if (c.description) params.push(`error_description=${quoted(c.description)}`);
  if (c.scope && c.scope.length > 0) params.push(`scope=${quoted(c.scope.join(' '))}`);
  if (c.resourceMetadata) params.push(`resource_metadata=${quoted(c.resourceMetadata)}`);
  return params.length > 0 ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/** Answers JSON with no-store. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** The bearer token of an `Authorization` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
