import { describe, expect, it } from '@jest/globals';
import { ERROR_ANSWERS } from '@waymark/http';
import { OIDC_PROVIDER_ERRORS } from '@waymark/oidc-provider';

describe('OIDC_PROVIDER_ERRORS and the error table of @waymark/http', () => {
  it('answers the interaction code with 403 invalid_request', () => {
    expect(ERROR_ANSWERS[OIDC_PROVIDER_ERRORS.ERR_INTERACTION_FORBIDDEN]).toMatchObject({ status: 403, error: 'invalid_request' });
  });
});
