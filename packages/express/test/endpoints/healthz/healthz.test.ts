import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { StoreUnavailableError, createMemoryStores } from '@waymark/core';
import type { Stores } from '@waymark/sdk';
import { mobilePar, form, testApp } from '../../support/app.js';

function downSessions(): Stores {
  const stores = createMemoryStores();
  return {
    ...stores,
    sessions: { ...stores.sessions, get: () => Promise.reject(new StoreUnavailableError('sessions', new Error('ECONNREFUSED redis://secret@host'))) },
  };
}

function downPushedRequests(): Stores {
  const stores = createMemoryStores();
  return { ...stores, pushedRequests: { take: stores.pushedRequests.take.bind(stores.pushedRequests), put: () => Promise.reject(new StoreUnavailableError('pushedRequests')) } };
}

describe('GET /healthz', () => {
  it('answers 200 { status: "ok" } when every store answers', async () => {
    const { app } = testApp();
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 naming the failing store and its code, never its message', async () => {
    const { app } = testApp({ stores: downSessions() });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', error: 'ERR_STORE_UNAVAILABLE', store: 'sessions' });
    expect(res.text).not.toContain('secret');
  });
});

describe('store outages on POST /par', () => {
  it('fail closed with 503 temporarily_unavailable', async () => {
    const { app } = testApp({ stores: downPushedRequests() });
    const res = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
