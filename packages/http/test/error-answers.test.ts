import { describe, expect, it } from '@jest/globals';
import { answerFor, answerOrServerError, ERROR_ANSWERS, HTTP_ERRORS } from '@waymark/http';
import { WaymarkError, type Logger } from '@waymark/sdk';

function capture(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

class WithHeaders extends WaymarkError {
  readonly headers = { 'Retry-After': '60' };
}

describe('ERROR_ANSWERS', () => {
  it('gives every code a 4xx or 5xx status and an OAuth error (RFC 6749 §5.2 / RFC 6750 §3.1 / RFC 9126 §2.3 values)', () => {
    const oauth = new Set([
      'invalid_request',
      'request_not_supported', // RFC 9101 §6.3 (and OpenID Connect Core §3.1.2.6)
      'request_uri_not_supported',
      'invalid_client',
      'unauthorized_client',
      'access_denied',
      'unsupported_response_type',
      'invalid_scope',
      'server_error',
      'temporarily_unavailable',
      'invalid_request_uri',
      'invalid_token', // RFC 6750 §3.1 (the admin API, a protected resource)
      'insufficient_scope', // RFC 6750 §3.1
    ]);
    for (const [code, spec] of Object.entries(ERROR_ANSWERS)) {
      expect([code, spec.status >= 400 && spec.status < 600]).toEqual([code, true]);
      expect([code, oauth.has(spec.error)]).toEqual([code, true]);
    }
  });

  it("is frozen: no package can change another one's answers at run time", () => {
    expect(Object.isFrozen(ERROR_ANSWERS)).toBe(true);
  });
});

describe('answerFor', () => {
  it('answers a listed code from the table, with the error message when the table has no fixed description', () => {
    expect(answerFor(new WaymarkError('ERR_INVALID_SCOPE', 'scope is malformed'))).toEqual({
      status: 400,
      pageStatus: 400,
      error: 'invalid_scope',
      description: 'scope is malformed',
      code: 'ERR_INVALID_SCOPE',
      headers: {},
    });
  });

  it('uses the fixed description of codes raised elsewhere, so their messages (which may name hosts) never show', () => {
    const answer = answerFor(new WaymarkError('ERR_STORE_UNAVAILABLE', 'redis://user:pw@host is down'));
    expect(answer).toMatchObject({
      status: 503,
      error: 'temporarily_unavailable',
      description: 'a backing store is unavailable; retry later',
    });
  });

  it('gives browsers their own status where it differs (an unknown journey is a bad request of a page)', () => {
    expect(answerFor(new WaymarkError('ERR_JOURNEY_NOT_FOUND', 'x'))).toMatchObject({ status: 404, pageStatus: 400 });
  });

  it('carries the headers an error brings (Retry-After, WWW-Authenticate)', () => {
    expect(answerFor(new WithHeaders('ERR_RATE_LIMITED', 'slow down'))?.headers).toEqual({ 'Retry-After': '60' });
  });

  it("adds Retry-After for a code marked retryAfter, from details.retryAfterSeconds (a full store) or the error's own retryAfterSeconds", () => {
    const full = answerFor(new WaymarkError('ERR_STORE_FULL', 'the journeys store holds 3 live entries', { retryAfterSeconds: 42 }));
    expect(full).toMatchObject({ status: 503, error: 'temporarily_unavailable', headers: { 'Retry-After': '42' } });
    expect(full?.description).toBe('the server holds as many journeys as it may; retry later');
    class Limited extends WaymarkError {
      readonly retryAfterSeconds = 30;
    }
    expect(answerFor(new Limited('ERR_TRANSACTION_RATE_LIMITED', 'too many'))?.headers).toEqual({ 'Retry-After': '30' });
    // A header the error carries wins; a code not marked, or no usable number, adds nothing.
    expect(answerFor(new WithHeaders('ERR_RATE_LIMITED', 'slow down'))?.headers).toEqual({ 'Retry-After': '60' });
    expect(answerFor(new WaymarkError('ERR_STORE_UNAVAILABLE', 'down', { retryAfterSeconds: 5 }))?.headers).toEqual({});
    expect(answerFor(new WaymarkError('ERR_STORE_FULL', 'full', { retryAfterSeconds: 'soon' }))?.headers).toEqual({});
  });

  it('maps body-parser failures to 413 and 400', () => {
    expect(answerFor({ type: 'entity.too.large', status: 413 })).toMatchObject({
      status: 413,
      error: 'invalid_request',
      code: HTTP_ERRORS.ERR_BODY_TOO_LARGE,
    });
    expect(answerFor({ type: 'entity.parse.failed', status: 400 })).toMatchObject({
      status: 400,
      description: 'the request body is malformed',
      code: 'ERR_INVALID_REQUEST',
    });
    expect(answerFor({ type: 'charset.unsupported', status: 415 })).toMatchObject({ status: 400, code: 'ERR_INVALID_REQUEST' });
    expect(answerFor({ status: 400 })).toMatchObject({ status: 400, description: 'the request body could not be read' });
  });

  it('knows nothing of unexpected errors or unlisted codes', () => {
    expect(answerFor(new Error('boom'))).toBeUndefined();
    expect(answerFor(new WaymarkError('ERR_SOMETHING_NEW', 'x'))).toBeUndefined();
    expect(answerFor({ type: 'stream.not.readable', status: 500 })).toBeUndefined();
    expect(answerFor('text')).toBeUndefined();
  });
});

describe('answerOrServerError', () => {
  it('answers anything unexpected with 500 server_error and ERR_INTERNAL, logging the message and stack, never showing them', () => {
    const logger = capture();
    const answer = answerOrServerError(new TypeError('boom at internal detail'), '/par', logger);
    expect(answer).toEqual({
      status: 500,
      pageStatus: 500,
      error: 'server_error',
      description: 'the server met an unexpected condition',
      code: 'ERR_INTERNAL',
      headers: {},
    });
    expect(HTTP_ERRORS.ERR_INTERNAL).toBe('ERR_INTERNAL');
    expect(JSON.stringify(answer)).not.toContain('boom');
    expect(logger.lines[0]).toMatchObject({
      level: 'error',
      message: 'unexpected error',
      fields: { path: '/par', error: 'boom at internal detail' },
    });
    expect(String(logger.lines[0]?.fields?.['stack'])).toContain('TypeError');
  });

  it('logs known 5xx answers as warnings, and 4xx not at all', () => {
    const logger = capture();
    answerOrServerError(new WaymarkError('ERR_STORE_UNAVAILABLE', 'down'), '/authorize', logger);
    answerOrServerError(new WaymarkError('ERR_INVALID_REQUEST', 'bad'), '/par', logger);
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'request failed', fields: { path: '/authorize', code: 'ERR_STORE_UNAVAILABLE' } },
    ]);
  });
});
