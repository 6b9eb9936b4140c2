import type { RequestHandler } from 'express';
import { invalidRequest } from '../errors.js';
import { formPairs } from '../lib/form-pairs.js';
import { locals } from '../lib/locals.js';
import { printableName } from '../lib/printable.js';
import { readBodyText } from './read-body.js';

export { byteLimit } from './read-body.js';

const FORM = 'application/x-www-form-urlencoded';

/** RFC 9126 §2.1: the request is form-encoded. Anything else is refused before any parsing. */
export function requireFormContentType(): RequestHandler {
  return function requireFormContentType(req, _res, next) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== FORM) throw invalidRequest(`the request body must be ${FORM}`);
    next();
  };
}

/**
 * Reads a form body as text within `limit` bytes (see read-body.ts: 413 past it, the rest never
 * read; UTF-8 only; no Content-Encoding).
 */
export function readFormBody(limit: string | number): RequestHandler {
  return readBodyText(limit, (body) => typeof body === 'string');
}

/**
 * Parses the form into single-valued parameters. RFC 6749 §3.1: parameters sent without a value
 * are treated as omitted, and no parameter may appear twice.
 */
export function parseFormParams(): RequestHandler {
  return function parseFormParams(req, res, next) {
    const body: unknown = req.body;
    const text = typeof body === 'string' ? body : '';
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    const seen = new Set<string>();
    for (const [name, value] of formPairs(text)) {
      if (seen.has(name)) throw invalidRequest(`parameter "${printableName(name)}" is included more than once (RFC 6749 §3.1)`, { param: printableName(name) });
      seen.add(name);
      if (value !== '') params[name] = value;
    }
    locals(res).params = params;
    next();
  };
}
