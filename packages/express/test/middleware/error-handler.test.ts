import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createMemoryStores } from '@waymark/core';
import { WaymarkError, type Stores } from '@waymark/sdk';
import { form, mobilePar, testApp } from '../support/app.js';

function failingPut(error: unknown): Stores {
  const stores = createMemoryStores();
  return { ...stores, pushedRequests: { take: () => Promise.resolve(undefined), put: () => Promise.reject(error) } };
}

describe('error handling', () => {
  it('answers an unexpected error with 500 server_error, a generic description and no stack, and logs it for the operator', async () => {
    const { app, logger } = testApp({ stores: failingPut(new TypeError('boom at internal detail')) });
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'the server met an unexpected condition' });
    expect(res.text).not.toContain('boom');
    expect(res.text).not.toContain('.ts');
    expect(logger.lines.find((l) => l.level === 'error')?.fields?.['error']).toBe('boom at internal detail');
  });

  it('answers a WaymarkError with an unmapped code as server_error too', async () => {
    const { app } = testApp({ stores: failingPut(new WaymarkError('ERR_SOMETHING_NEW', 'inner message')) });
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(res.text).not.toContain('inner message');
  });

  it('maps ERR_STORE_UNAVAILABLE to 503 temporarily_unavailable', async () => {
    const { app } = testApp({ stores: failingPut(new WaymarkError('ERR_STORE_UNAVAILABLE', 'redis://user:pw@host down')) });
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'a backing store is unavailable; retry later' });
  });
});
