import express, { type Request, type RequestHandler } from 'express';
import { badRequest } from '../errors.js';

/**
 * Reads the body as UTF-8 text within `limit` bytes, whatever its Content-Type says: flows are
 * parsed by core's own JSON reader (which reports duplicate keys as `waymark validate` does).
 * Too large → 413, a bad charset or encoding → 400, through `@waymark/http`'s table.
 */
export function readText(limit: number): RequestHandler {
  return express.text({ type: () => true, limit });
}

/** The body text (empty when none came). */
export function bodyText(req: Request): string {
  return typeof req.body === 'string' ? req.body : '';
}

/** The body as a JSON object, or 400 naming the fix. An empty body is `{}`. */
export function jsonObjectBody(req: Request): Record<string, unknown> {
  const text = bodyText(req);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('body', 'is not JSON: send a JSON object (Content-Type: application/json)');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('body', 'must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Takes a compare-and-set member out of a body (`expectedVersion`, `expectedRevision`): it says
 * what the caller read, it is not part of the flow or client, and is never saved.
 */
export function takeMember(body: Record<string, unknown>, name: string): unknown {
  const value = body[name];
  delete body[name];
  return value;
}
