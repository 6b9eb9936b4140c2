import type { RequestHandler, Response } from 'express';
import { invalidRequest } from '../../errors.js';
import { formPairs } from '../../lib/form-pairs.js';
import { locals } from '../../lib/locals.js';

const MAX_QUERY = 8192;
const repeated = new WeakMap<Response, ReadonlySet<string>>();

/** Names that appeared more than once in the query (RFC 6749 §3.1 forbids it where they count). */
export function repeatedParams(res: Response): ReadonlySet<string> {
  return repeated.get(res) ?? new Set();
}

/**
 * Parses the query string into single-valued parameters (the first of a repeated name; the
 * repeats are remembered, and refused by the next step where the name counts). RFC 6749 §3.1:
 * parameters without a value are omitted. express's query parser is not used: it turns
 * repeats into arrays and nests brackets.
 */
export function readQueryParams(): RequestHandler {
  return function readQueryParams(req, res, next) {
    const url = req.originalUrl ?? req.url;
    const q = url.indexOf('?');
    const query = q === -1 ? '' : url.slice(q + 1);
    if (query.length > MAX_QUERY) throw invalidRequest('the query string is too long');
    const params = Object.create(null) as Record<string, string>;
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const [name, value] of formPairs(query)) {
      if (seen.has(name)) twice.add(name);
      seen.add(name);
      if (value !== '' && !(name in params)) params[name] = value;
    }
    locals(res).params = params;
    repeated.set(res, twice);
    next();
  };
}
