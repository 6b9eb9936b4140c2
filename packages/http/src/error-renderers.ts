import { ERROR_ANSWERS, type ErrorAnswer } from './error-answers.js';
import { messagePage } from './html.js';

/*
 * The three shapes an error answer takes. Each returns the body only: the caller sends it with
 * the answer's status (`status`, or `pageStatus` on a browser endpoint), its headers and
 * `Cache-Control: no-store`, the way its framework sends bodies.
 */

/**
 * The OAuth error body: `{ error, error_description }` (RFC 6749 §5.2 for the token and PAR
 * endpoints, RFC 6750 §3.1 for protected resources, RFC 9126 §2.3 for PAR).
 *
 * @example
 * res.status(answer.status).json(oauthErrorBody(answer)); // { "error": "invalid_request", "error_description": "…" }
 */
export function oauthErrorBody(answer: Pick<ErrorAnswer, 'error' | 'description'>): { error: string; error_description: string } {
  return { error: answer.error, error_description: answer.description };
}

/**
 * The journey API's error body: the OAuth pair plus Waymark's stable `code`, which callers
 * branch on (`ERR_JOURNEY_CONFLICT`, `ERR_TRANSACTION_NOT_FOUND`…). A `code` left undefined
 * (an error that is not Waymark's) is left out.
 *
 * @example
 * res.status(answer.status).json(journeyErrorBody(answer)); // { "error": "invalid_request", "error_description": "…", "code": "ERR_JOURNEY_CONFLICT" }
 */
export function journeyErrorBody(answer: Pick<ErrorAnswer, 'error' | 'description'> & { code?: string | undefined }): {
  error: string;
  error_description: string;
  code?: string;
} {
  return answer.code === undefined
    ? { error: answer.error, error_description: answer.description }
    : { error: answer.error, error_description: answer.description, code: answer.code };
}

const TITLES: Readonly<Record<number, string>> = {
  403: 'Not allowed',
  404: 'Not found',
  409: 'Already submitted',
  413: 'Request too large',
  429: 'Try again later',
  503: 'Try again later',
};

/** Options of `errorPage`. */
export interface ErrorPageOptions {
  /** Where the stylesheet is relative to the page (the router's base path); default ''. */
  base?: string;
  /** The page title; default one per status ("Not allowed", "Try again later"…). */
  title?: string;
  /** The sentence shown; default the table's `page` sentence for the code, or the generic one of the status class. */
  sentence?: string;
}

/**
 * The error page: one alert sentence for a person, never the code, a parameter or its value.
 * The status is the answer's `pageStatus`.
 *
 * @example
 * res.status(answer.pageStatus).type('html').send(errorPage(answer, { base: '/' }));
 */
export function errorPage(answer: Pick<ErrorAnswer, 'pageStatus'> & { code?: string | undefined }, options: ErrorPageOptions = {}): string {
  const status = answer.pageStatus;
  const title = options.title ?? TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request not valid');
  const sentence =
    options.sentence ??
    (answer.code !== undefined ? ERROR_ANSWERS[answer.code]?.page : undefined) ??
    (status >= 500
      ? 'Something went wrong on our side. Please try again later.'
      : 'The sign-in request is not valid. Return to the application and try again.');
  return messagePage(title, sentence, 'alert', options.base ?? '');
}
