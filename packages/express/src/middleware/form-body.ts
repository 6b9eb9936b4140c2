import type { RequestHandler } from 'express';
import { HttpError, invalidRequest } from '../errors.js';
import { parseByteSize } from '../lib/byte-size.js';
import { formPairs } from '../lib/form-pairs.js';
import { locals } from '../lib/locals.js';
import { printableName } from '../lib/printable.js';

const FORM = 'application/x-www-form-urlencoded';

/** RFC 9126 §2.1: the request is form-encoded. Anything else is refused before any parsing. */
export function requireFormContentType(): RequestHandler {
  return function requireFormContentType(req, _res, next) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== FORM) throw invalidRequest(`the request body must be ${FORM}`);
    next();
  };
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const UTF8: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii']);
/** `bodyLimit` in bytes: a number, or a size such as "16kb" (see parseByteSize). */
export function byteLimit(limit: string | number): number {
  if (typeof limit === 'number') return Math.floor(limit);
  const bytes = parseByteSize(limit);
  if (bytes === undefined) throw new RangeError(`"${limit}" is not a size such as "16kb"`);
  return bytes;
}

/**
 * Reads a form body as text, refusing more than `limit` bytes with 413 (RFC 9126 §2.3): before
 * reading when Content-Length says so, or as soon as the stream passes the limit (the rest is
 * drained, never buffered). The body is UTF-8 (WHATWG URL, application/x-www-form-urlencoded
 * parsing): a `charset` other than utf-8 (or us-ascii, its subset) is refused with 400 rather
 * than decoded as something the client did not send. A compressed body (any Content-Encoding but
 * `identity`) is refused with 400: no OAuth client compresses a form post, and inflating one
 * would let a small request expand past the limit.
 *
 * Written here rather than taken from body-parser: this is on the path of every PAR and every
 * continue, and the generic parser (content-type and charset negotiation, decoder lookup,
 * inflation streams) cost more than the reading itself.
 */
export function readFormBody(limit: string | number): RequestHandler {
  const max = byteLimit(limit);
  return function readFormBody(req, _res, next) {
    if (req.readableEnded || (req as { _body?: boolean })._body === true) {
      // A body parser mounted before the router has read the stream already.
      if (typeof (req as { body?: unknown }).body === 'string') {
        next();
        return;
      }
      throw invalidRequest('the request body was read by a body parser mounted before Waymark; mount the Waymark router before it');
    }
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && !UTF8.has(charset))
      throw invalidRequest('the form must be UTF-8: send charset=utf-8 or no charset', { header: 'content-type' });
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      throw invalidRequest('the request body must not be compressed (Content-Encoding)', { header: 'content-encoding' });
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      req.resume(); // drain what the client sends anyway
      throw new HttpError('ERR_BODY_TOO_LARGE', `the request body is too large: at most ${max} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true; // later events (the drained rest, a late error) find nothing to do
      if (error !== undefined) {
        req.resume();
        next(error);
        return;
      }
      (req as { body?: unknown }).body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      next();
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > max) settle(new HttpError('ERR_BODY_TOO_LARGE', `the request body is too large: at most ${max} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    // Errors are built only when they decide the answer ('close' also follows every normal end).
    const onError = () => {
      if (!settled) settle(invalidRequest('the request body could not be read'));
    };
    // The client went away before the body ended: nothing to answer, but the step must not hang.
    const onClose = () => {
      if (!settled) settle(invalidRequest('the request body ended early'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  };
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
