import { describe, expect, it } from '@jest/globals';
import { ERROR_ANSWERS } from '@waymark/http';
import { EXPRESS_ERRORS } from '@waymark/express';

describe('EXPRESS_ERRORS and the error table of @waymark/http', () => {
  it('answers every request code the adapter raises (start-up codes never reach a response)', () => {
    const startUp = new Set(['ERR_CLIENT_CONFIG', 'ERR_ROUTER_OPTIONS']);
    const unanswered = Object.values(EXPRESS_ERRORS).filter((code) => !startUp.has(code) && ERROR_ANSWERS[code] === undefined);
    expect(unanswered).toEqual([]);
  });
});
