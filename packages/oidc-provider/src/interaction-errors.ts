import { answerFor, ERROR_ANSWERS } from '@waymark/http';
import { WaymarkError } from '@waymark/sdk';
import { errors } from 'oidc-provider';

/*
 * How the interaction routes answer an error. Status and OAuth `error` come from the one error
 * table of `@waymark/http` (its browser status: an unknown journey is the browser's bad
 * request, 400); the sentence is this surface's own wording, for a person in the middle of
 * signing in to an application, and is also the `error_description` of the JSON answer.
 */

/** The interaction pages' sentences; codes not listed use the table's page sentence. */
const SENTENCES: Readonly<Record<string, string>> = {
  ERR_JOURNEY_NOT_FOUND: 'This sign-in step expired. Return to the application and sign in again.',
  ERR_JOURNEY_CONFLICT: 'This step was already submitted. Return to the application and sign in again.',
  ERR_SUBMISSION_INVALID: 'The form was incomplete. Return to the application and sign in again.',
  ERR_STORE_UNAVAILABLE: 'Sign-in is unavailable for a moment. Try again shortly.',
  // The memory journey store at its cap (core): the new journey is refused, no live one dropped.
  ERR_STORE_FULL: 'Sign-in is busy for a moment. Try again shortly.',
  ERR_BODY_TOO_LARGE: 'The form was too large.',
  ERR_INVALID_REQUEST: 'The form could not be read. Return to the application and sign in again.',
};
const EXPIRED = 'This sign-in expired or was started in another browser. Return to the application and sign in again.';
const GENERIC_CLIENT = 'The sign-in request is not valid. Return to the application and sign in again.';
const GENERIC_SERVER = 'Something went wrong. Try again.';

/** An interaction's error answer: status, OAuth `error`, the sentence, and Waymark's code when the error is Waymark's. */
export interface InteractionErrorAnswer {
  pageStatus: number;
  error: string;
  description: string;
  code: string | undefined;
  /** Headers the table's answer carries (`Retry-After` of a full store). */
  headers: Readonly<Record<string, string>>;
}

/**
 * The answer for any error of the interaction routes: the table's for Waymark codes and
 * unreadable bodies, oidc-provider's status and `error` for its own errors, and 500
 * `server_error` for anything else (the caller logs it; never shown).
 */
export function interactionErrorAnswer(err: unknown): InteractionErrorAnswer {
  const code = err instanceof WaymarkError ? err.code : undefined;
  // oidc-provider's own errors (SessionNotFound when the interaction cookie is missing…) carry an OAuth `error` and a status.
  if (err instanceof errors.OIDCProviderError) return { pageStatus: err.status, error: err.error, description: EXPIRED, code, headers: {} };
  const known = answerFor(err);
  if (!known) return { pageStatus: 500, error: 'server_error', description: GENERIC_SERVER, code, headers: {} };
  // express could not percent-decode the uid of the path (a 400 URIError): the link is bad, not a form.
  if (err instanceof URIError) return { pageStatus: 400, error: known.error, description: GENERIC_CLIENT, code, headers: {} };
  const sentence = SENTENCES[known.code] ?? ERROR_ANSWERS[known.code]?.page ?? (known.pageStatus >= 500 ? GENERIC_SERVER : GENERIC_CLIENT);
  return { pageStatus: known.pageStatus, error: known.error, description: sentence, code, headers: known.headers };
}
