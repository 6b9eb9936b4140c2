import type { Response } from 'express';

/**
 * Answers JSON: the status, `Content-Type: application/json; charset=utf-8`, the length and the
 * body, and nothing else. Unlike `res.json` no ETag is computed (a SHA-1 of every body): the
 * adapter's JSON answers are `Cache-Control: no-store`, so a validator is never used.
 *
 * @example
 * sendJson(res, 201, { request_uri, expires_in: 60 });
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * 303 See Other to `url` (RFC 9110 §15.4.4), with an empty body. The Location is
 * percent-encoded as `res.redirect` encodes it; unlike `res.redirect` the Accept header is not
 * negotiated to build a "Redirecting to" note that a browser following the 303 never shows.
 *
 * @example
 * seeOther(res, 'https://app.example.com/profile');
 */
export function seeOther(res: Response, url: string): void {
  res.location(url);
  res.statusCode = 303;
  res.setHeader('Content-Length', '0');
  res.end();
}
