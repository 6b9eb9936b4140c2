import { describe, expect, it } from '@jest/globals';
import { answerFor, answerOrServerError, errorPage, journeyErrorBody, oauthErrorBody } from '@waymark/http';
import { WaymarkError, type Logger } from '@waymark/sdk';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const conflict = answerFor(new WaymarkError('ERR_JOURNEY_CONFLICT', 'raced'))!;

describe('oauthErrorBody', () => {
  it('is { error, error_description } in that order (RFC 6749 §5.2)', () => {
    expect(JSON.stringify(oauthErrorBody(conflict))).toBe(
      '{"error":"invalid_request","error_description":"the journey was advanced by another submission"}',
    );
  });
});

describe('journeyErrorBody', () => {
  it('adds the stable code callers branch on', () => {
    expect(JSON.stringify(journeyErrorBody(conflict))).toBe(
      '{"error":"invalid_request","error_description":"the journey was advanced by another submission","code":"ERR_JOURNEY_CONFLICT"}',
    );
  });

  it("leaves the code out for an error that is not Waymark's", () => {
    expect(journeyErrorBody({ error: 'invalid_request', description: 'x', code: undefined })).toEqual({
      error: 'invalid_request',
      error_description: 'x',
    });
  });
});

describe('errorPage', () => {
  it("shows the table's sentence under the title of the page status, never the code or the message", () => {
    const html = errorPage(conflict, { base: '/' });
    expect(html).toContain('<title>Already submitted</title>');
    expect(html).toContain(
      '<p role="alert" class="error">This form was submitted already, perhaps in another tab. Return to the application and start again.</p>',
    );
    expect(html).toContain('href="/assets/waymark.css"');
    expect(html).not.toMatch(/ERR_|raced/);
  });

  it('titles an unknown journey by its browser status and falls back to the sentence of the status class', () => {
    expect(errorPage(answerFor(new WaymarkError('ERR_JOURNEY_NOT_FOUND', 'x'))!)).toContain('<title>Request not valid</title>');
    const server = errorPage(answerOrServerError(new Error('boom'), '/', silent));
    expect(server).toContain('<title>Something went wrong</title>');
    expect(server).toContain('Something went wrong on our side. Please try again later.');
    expect(errorPage(answerFor(new WaymarkError('ERR_INVALID_SCOPE', 'x'))!)).toContain(
      'The sign-in request is not valid. Return to the application and try again.',
    );
  });

  it('asks a person to come back on a spent rate limit (429) or a full store (503), never calling the request invalid', () => {
    for (const code of ['ERR_RATE_LIMITED', 'ERR_STORE_FULL']) {
      const html = errorPage(answerFor(new WaymarkError(code, 'x', { retryAfterSeconds: 5 }))!);
      expect(html).toContain('<title>Try again later</title>');
      expect(html).toContain('The sign-in service is temporarily unavailable. Please try again in a moment.');
    }
  });

  it("takes a surface's own title and sentence", () => {
    const html = errorPage({ pageStatus: 400, code: undefined }, { title: 'Sign-in could not continue', sentence: 'Try again.' });
    expect(html).toContain('<h1>Sign-in could not continue</h1>');
    expect(html).toContain('<p role="alert" class="error">Try again.</p>');
  });
});
