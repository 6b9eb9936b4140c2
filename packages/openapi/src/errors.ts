import { ERROR_ANSWERS, HTTP_ERRORS } from '@waymark/http';
import type { JsonSchema, OpenApiResponse } from './types.js';

/**
 * The error answers of the document, derived from `@waymark/http`'s `ERROR_ANSWERS` (the one
 * table every HTTP package answers errors through): an operation names the codes it may answer,
 * and each becomes part of the response of its status, so the statuses, the OAuth `error`
 * values and the codes are the code's own and cannot drift.
 */

/** The code of anything unexpected (500 `server_error`, never a stack). */
export const INTERNAL = HTTP_ERRORS.ERR_INTERNAL;

/** The three JSON shapes of an error answer (`@waymark/http`'s renderers, plus the admin API's `problems`). */
export type ErrorShape = 'oauth' | 'coded' | 'admin';

export const ERROR_SCHEMAS: Record<string, JsonSchema> = {
  OAuthError: {
    type: 'object',
    description: 'RFC 6749 §5.2 / RFC 9126 §2.3 error body (`oauthErrorBody` of @waymark/http).',
    required: ['error', 'error_description'],
    properties: {
      error: { type: 'string', description: 'the OAuth error code, such as invalid_request' },
      error_description: { type: 'string', description: 'what is wrong and the fix; never a value of a secret' },
    },
  },
  CodedError: {
    type: 'object',
    description:
      'The JSON error of the journey, policy and admin APIs (`journeyErrorBody` of @waymark/http): the OAuth pair plus the stable Waymark `code` callers branch on.',
    required: ['error', 'error_description', 'code'],
    properties: {
      error: { type: 'string', description: 'the OAuth error code, such as invalid_request' },
      error_description: { type: 'string', description: 'what is wrong and the fix' },
      code: { type: 'string', pattern: '^ERR_[A-Z0-9_]+$', description: 'the stable Waymark error code (see docs/errors.md)' },
    },
  },
  Problem: {
    type: 'object',
    description: 'One problem of a refused flow or client: its code, where (a JSON pointer) and the fix.',
    required: ['code', 'pointer', 'message'],
    properties: { code: { type: 'string' }, pointer: { type: 'string' }, message: { type: 'string' } },
  },
  AdminError: {
    type: 'object',
    description: 'The admin API error: the coded error, plus `problems` when a flow or client was refused by validation.',
    required: ['error', 'error_description', 'code'],
    properties: {
      error: { type: 'string' },
      error_description: { type: 'string' },
      code: { type: 'string', pattern: '^ERR_[A-Z0-9_]+$' },
      problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } },
    },
  },
};

const SCHEMA_OF: Record<ErrorShape, string> = { oauth: 'OAuthError', coded: 'CodedError', admin: 'AdminError' };

/** Status → OAuth `error` values and codes, for `codes` (ERR_INTERNAL always included). */
function byStatus(codes: readonly string[], browser: boolean): Map<number, { errors: Set<string>; codes: string[] }> {
  const out = new Map<number, { errors: Set<string>; codes: string[] }>();
  for (const code of [...codes, INTERNAL]) {
    const spec = ERROR_ANSWERS[code];
    if (!spec && code !== INTERNAL) throw new Error(`@waymark/openapi: "${code}" is not in @waymark/http's ERROR_ANSWERS`);
    const status = spec ? (browser ? (spec.pageStatus ?? spec.status) : spec.status) : 500;
    const error = spec?.error ?? 'server_error';
    const entry = out.get(status) ?? { errors: new Set<string>(), codes: [] };
    entry.errors.add(error);
    if (!entry.codes.includes(code)) entry.codes.push(code);
    out.set(status, entry);
  }
  return out;
}

const RETRY_AFTER = { description: 'delay-seconds (RFC 9110 §10.2.3)', schema: { type: 'string', pattern: '^\\d+$' } };

/**
 * The error responses of an operation: one per status, whose schema pins the `error` values and
 * (for the coded shapes) the `code` values that status may carry.
 *
 * @example
 * errorResponses(['ERR_INVALID_REQUEST', 'ERR_JOURNEY_NOT_FOUND'], 'coded') // { '400': …, '404': …, '500': … }
 */
export function errorResponses(
  codes: readonly string[],
  shape: ErrorShape,
  options: { browser?: boolean; html?: boolean } = {},
): Record<string, OpenApiResponse> {
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, entry] of [...byStatus(codes, options.browser === true)].sort((a, b) => a[0] - b[0])) {
    const pinned: JsonSchema = {
      allOf: [
        { $ref: `#/components/schemas/${SCHEMA_OF[shape]}` },
        {
          type: 'object',
          properties: {
            error: { enum: [...entry.errors].sort() },
            ...(shape === 'oauth' ? {} : { code: { enum: [...entry.codes].sort() } }),
          },
        },
      ],
    };
    const retry = entry.codes.some((c) => ERROR_ANSWERS[c]?.retryAfter);
    const content: OpenApiResponse['content'] = { 'application/json': { schema: pinned } };
    if (options.html)
      content['text/html'] = { schema: { type: 'string', description: 'an error page for people (no script, strict CSP)' } };
    responses[String(status)] = {
      description: `${entry.codes.sort().join(', ')}`,
      ...(retry ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      content,
    };
  }
  return responses;
}

/** Every code of the table (for the document's description of codes). */
export function allErrorCodes(): string[] {
  return [...Object.keys(ERROR_ANSWERS), INTERNAL].sort();
}
