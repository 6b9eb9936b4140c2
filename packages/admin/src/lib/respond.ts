import type { Response } from 'express';

/**
 * Answers JSON with `Cache-Control: no-store` (the admin API's answers describe live
 * configuration and may name subjects: no cache may keep them) and, when given, an ETag
 * (RFC 9110 §8.8.3) that `If-Match` can send back.
 */
export function sendJson(res: Response, status: number, body: unknown, etag?: string): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  if (etag !== undefined) res.setHeader('ETag', etag);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** A strong entity tag for a number (a flow's latest version, a client's revision). */
export function etagOf(n: number): string {
  return `"${n}"`;
}
