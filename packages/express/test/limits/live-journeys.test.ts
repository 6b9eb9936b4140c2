import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createMemoryStores } from '@waymark/core';
import { TestClock } from '../support/app.js';
import { journeyApp, plainAuthorize } from '../support/journeys.js';

/*
 * Memory mode: the journey store holds at most `maxJourneys` live journeys. At the cap a new
 * journey is refused with 503 temporarily_unavailable and Retry-After; no live journey is
 * dropped to make room, so every user already in a journey finishes it.
 */

function answers(callbacks: { type: string; input: { name: string; value: unknown }[] }[], name: string, password: string): unknown[] {
  return callbacks.map((c) => ({ ...c, input: c.input.map((i) => ({ ...i, value: c.type === 'PasswordCallback' ? password : name })) }));
}

describe('the live-journey cap (memory stores)', () => {
  it('answers 503 with Retry-After past the cap, and every live journey still finishes', async () => {
    const clock = new TestClock();
    const { app } = await journeyApp({ stores: createMemoryStores(clock, { maxJourneys: 3 }), clock, journeyStartRateLimit: false });
    const started = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
      expect(res.status).toBe(200);
      started.push(res.body as { journeyId: string; callbacks: { type: string; input: { name: string; value: unknown }[] }[] });
    }
    const full = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ error: 'temporarily_unavailable', code: 'ERR_STORE_FULL' });
    expect(full.headers['retry-after']).toBe('60'); // the journeys expire in 5 minutes: capped at a minute
    const page = await request(app).get(plainAuthorize());
    expect(page.status).toBe(303);
    expect(new URL(page.headers.location!).searchParams.get('error')).toBe('temporarily_unavailable');
    for (const [i, step] of started.entries()) {
      const done = await request(app)
        .post(`/journeys/${step.journeyId}/continue`)
        .send({ callbacks: answers(step.callbacks, `user${i}`, 'pw') });
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('success');
    }
    // Finished journeys freed their room.
    expect((await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' })).status).toBe(200);
  });
});
