import type { RequestHandler } from 'express';
import { invalidRequest } from '../errors.js';
import { readBodyText } from './read-body.js';

// RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return.
const OPENS_OBJECT_OR_ARRAY = /^[ \t\n\r]*[[{]/;

/** Parses the text `readBodyText` left in `req.body` (an empty body is `{}`, as body-parser gives). */
function parseJsonText(strict: boolean): RequestHandler {
  return function parseJsonText(req, _res, next) {
    const body: unknown = req.body;
    if (typeof body !== 'string') {
      next(); // parsed by a JSON parser mounted before the router
      return;
    }
    if (body.trim() === '') {
      req.body = {};
      next();
      return;
    }
    if (strict && !OPENS_OBJECT_OR_ARRAY.test(body)) throw invalidRequest('the request body must be a JSON object or array');
    try {
      req.body = JSON.parse(body) as unknown;
    } catch {
      throw invalidRequest('the request body is malformed JSON');
    }
    next();
  };
}

/**
 * Reads a JSON body within `limit` bytes (RFC 8259; UTF-8 only, §8.1) and parses it into
 * `req.body`: 413 as soon as the body passes the limit, and the rest is never read (see
 * read-body.ts); 400 when malformed. `strict` accepts only an object or an array at the top.
 */
export function readJsonBody(limit: string | number, options: { strict: boolean }): RequestHandler[] {
  return [readBodyText(limit, (body) => body !== undefined), parseJsonText(options.strict)];
}
