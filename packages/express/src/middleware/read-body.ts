import type { Request, RequestHandler, Response } from 'express';
import { HttpError, invalidRequest } from '../errors.js';
import { parseByteSize } from '../lib/byte-size.js';

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
 * 413, and the connection ends once the answer is sent: `Connection: close` (RFC 9112 §9.6)
 * makes Node close the socket after the response instead of reading the rest of the body to
 * keep the connection alive. The body past the limit is never read, let alone buffered: a
 * client streaming 20 MB gets its 413 while it is still sending, and its connection closed.
 */
function tooLarge(res: Response, max: number): HttpError {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  return new HttpError('ERR_BODY_TOO_LARGE', `the request body is too large: at most ${max} bytes`);
}

/**
 * Reads the request body as UTF-8 text into `req.body`, refusing more than `limit` bytes with
 * 413: before reading when Content-Length says so, or as soon as the stream passes the limit
 * (RFC 9126 §2.3 for PAR; the same for every body the adapter reads). The body is UTF-8: a
 * `charset` other than utf-8 (or us-ascii, its subset) is refused with 400 rather than decoded
 * as something the client did not send (form: WHATWG URL; JSON: RFC 8259 §8.1). A compressed
 * body (any Content-Encoding but `identity`) is refused with 400: inflating one would let a
 * small request expand past the limit.
 *
 * `alreadyRead` says whether a body a parser mounted before the router left in `req.body` is
 * usable (a string for a form, any value for JSON); otherwise that is a 400 naming the fix.
 *
 * Written here rather than taken from body-parser: body-parser reads an oversized body to its
 * end before it answers 413, and on the path of every PAR its negotiation cost more than the
 * reading itself.
 */
export function readBodyText(limit: string | number, alreadyRead: (body: unknown) => boolean): RequestHandler {
  const max = byteLimit(limit);
  return function readBodyText(req: Request, res: Response, next) {
    if (req.readableEnded || (req as { _body?: boolean })._body === true) {
      if (alreadyRead((req as { body?: unknown }).body)) {
        next();
        return;
      }
      throw invalidRequest('the request body was read by a body parser mounted before Waymark; mount the Waymark router before it');
    }
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && !UTF8.has(charset))
      throw invalidRequest('the request body must be UTF-8: send charset=utf-8 or no charset', { header: 'content-type' });
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      throw invalidRequest('the request body must not be compressed (Content-Encoding)', { header: 'content-encoding' });
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) throw tooLarge(res, max);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = () => {
      req.off('data', onData).off('end', onEnd);
      req.pause();
    };
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true; // later events (a late error, the close) find nothing to do
      if (error !== undefined) {
        next(error);
        return;
      }
      (req as { body?: unknown }).body =
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      stop(); // read no further
      chunks.length = 0;
      settle(tooLarge(res, max));
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
