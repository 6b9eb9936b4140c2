import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { MemoryStores } from '@waymark/core';
import { journeyApp, plainAuthorize, WEB_AUTH } from '../support/journeys.js';

/*
 * Journey starts are limited per client and source IP (journeyStartRateLimit), under a ceiling
 * per client; a confidential client that authenticated counts per client. The loopback test
 * client is a trusted proxy, so X-Forwarded-For names the source.
 */

const proxied = { trustedProxies: ['127.0.0.1'] };

describe('journey starts — rate limited', () => {
  it('POST /journeys/:flow: a flood from one address gets 429 with Retry-After; another address still starts', async () => {
    const { app, stores } = await journeyApp({ ...proxied, journeyStartRateLimit: { max: 5, windowSeconds: 60 } });
    const start = (ip: string) => request(app).post('/journeys/ask-login').set('X-Forwarded-For', ip).send({ client_id: 'spa-app' });
    const statuses = [];
    for (let i = 0; i < 50; i++) statuses.push((await start('203.0.113.66')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const limited = await start('203.0.113.66');
    expect(limited.body).toMatchObject({ error: 'temporarily_unavailable', code: 'ERR_RATE_LIMITED' });
    // The window's remainder in whole seconds (the memory limiter runs on real time: a loaded machine
    // may take seconds over the 50 requests, so only the bounds are asserted).
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await start('198.51.100.7')).status).toBe(200);
    // Refused starts persisted nothing: 5 + 1 suspended journeys.
    expect((stores.journeys as MemoryStores['journeys']).size).toBe(6);
  });

  it('POST /journeys/:flow: invalid starts (flow not allowed, bad params) spend nothing', async () => {
    const { app } = await journeyApp({ ...proxied, journeyStartRateLimit: { max: 1, windowSeconds: 60 } });
    for (let i = 0; i < 10; i++) {
      expect((await request(app).post('/journeys/no-such-flow').send({ client_id: 'spa-app' })).status).toBe(403);
      expect(
        (
          await request(app)
            .post('/journeys/ask-login')
            .send({ client_id: 'spa-app', params: { nope: 'x' } })
        ).status,
      ).toBe(400);
    }
    expect((await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' })).status).toBe(200);
  });

  it('POST /journeys/:flow: an authenticated confidential client counts per client (its server calls for every user)', async () => {
    const { app } = await journeyApp({ ...proxied, journeyStartRateLimit: { max: 1, clientMax: 3, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await request(app).post('/journeys/ask-login').set('X-Forwarded-For', '10.0.0.5').set('Authorization', WEB_AUTH).send({})).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('GET /authorize: starting journeys is limited per client and source too; the refusal goes back to the redirect_uri', async () => {
    const { app } = await journeyApp({ ...proxied, journeyStartRateLimit: { max: 2, windowSeconds: 60 } });
    const authorize = (ip: string) => request(app).get(plainAuthorize()).set('X-Forwarded-For', ip);
    expect((await authorize('203.0.113.66')).status).toBe(200);
    expect((await authorize('203.0.113.66')).status).toBe(200);
    const limited = await authorize('203.0.113.66');
    expect(limited.status).toBe(303);
    const location = new URL(limited.headers.location!);
    expect(location.origin + location.pathname).toBe('https://app.example.com/callback');
    // RFC 6749 §4.1.2.1: temporarily_unavailable, with the client's state.
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect((await authorize('198.51.100.7')).status).toBe(200);
  });

  it('false turns the limit off', async () => {
    const { app } = await journeyApp({ journeyStartRateLimit: false });
    for (let i = 0; i < 70; i++) expect((await request(app).post('/journeys/confirm').send({ client_id: 'spa-app' })).status).toBe(200);
  });
});
