import { describe, expect, it } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import request from 'supertest';
import { createWaymarkApp, createWaymarkRouter } from '../src/index.js';
import { ISSUER, TestClock, captureLogger, clients, form, mobilePar } from './support/app.js';

function appAt(issuer: string) {
  const clock = new TestClock();
  const router = createWaymarkRouter({ issuer, clients: Object.values(clients), stores: createMemoryStores(clock), clock, logger: captureLogger() });
  return createWaymarkApp(router);
}

/** The paths of the route layers express keeps directly on the app's own router. */
function appRoutePaths(app: ReturnType<typeof createWaymarkApp>): string[] {
  const stack = (app as unknown as { router: { stack: { route?: { path: string } }[] } }).router.stack;
  return stack.flatMap((layer) => (layer.route ? [layer.route.path] : []));
}

describe('createWaymarkApp', () => {
  it('puts the routes on the app itself when Waymark serves the root (no nested router per request)', async () => {
    const app = appAt(ISSUER);
    expect(appRoutePaths(app)).toEqual(expect.arrayContaining(['/par', '/authorize', '/authorize/continue', '/healthz']));
    const par = await request(app).post('/par').type('form').send(form(mobilePar()));
    expect(par.status).toBe(201);
    expect(par.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('answers errors and unknown paths at the root as a mounted router does', async () => {
    const app = appAt(ISSUER);
    const bad = await request(app).post('/par').type('form').send('client_id=nobody');
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
    const journeys = await request(app).post('/journeys/no-such-flow').set('Content-Type', 'application/json').send('{}');
    // The journey API identifies the client before it looks at the flow: a request that names none
    // is malformed (400 invalid_request, as at PAR), not a failed authentication.
    expect(journeys.status).toBe(400);
    expect(journeys.body).toEqual({ error: 'invalid_request', error_description: 'client_id is required', code: 'ERR_INVALID_REQUEST' });
    const unknown = await request(app).get('/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
    expect(unknown.headers['x-frame-options']).toBe('DENY');
  });

  it('mounts the router at the issuer path when it has one', async () => {
    const app = appAt(`${ISSUER}/auth`);
    expect(appRoutePaths(app)).not.toContain('/par');
    expect((await request(app).post('/auth/par').type('form').send(form(mobilePar()))).status).toBe(201);
    expect((await request(app).post('/par').type('form').send(form(mobilePar()))).status).toBe(404);
  });
});
