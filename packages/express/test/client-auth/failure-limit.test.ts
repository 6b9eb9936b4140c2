import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { CHALLENGE, SECRET, basic, form, testApp } from '../support/app.js';
import { journeyApp } from '../support/journeys.js';
import { PEP_AUTH, policyTestApp } from '../policies/support.js';

/*
 * Failed client authentications are limited per client and source IP (authFailureRateLimit):
 * a guesser on one address is stopped, the real client on another is not. The loopback test
 * client is a trusted proxy, so X-Forwarded-For names the source.
 */

const webBody = {
  response_type: 'code',
  redirect_uri: 'https://app.example.com/callback',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};
const ATTACKER = '203.0.113.66';
const REAL = '198.51.100.7';

describe('client authentication failures — rate limited per client and source IP', () => {
  it('PAR: 40 wrong secrets from one address end in 429 with Retry-After; the right secret from another address still works', async () => {
    const { app } = testApp({ trustedProxies: ['127.0.0.1'] });
    const par = (ip: string, secret: string) =>
      request(app).post('/par').set('X-Forwarded-For', ip).set('Authorization', basic('web-app', secret)).type('form').send(form(webBody));
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 40; i++) {
      last = await par(ATTACKER, `wrong-secret-number-${i}-padded-to-be-long-enough`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect(last!.body.error).toBe('temporarily_unavailable');
    const retryAfter = Number(last!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // The attacker's address is refused before any check: the right secret would not tell it apart.
    expect((await par(ATTACKER, SECRET)).status).toBe(429);
    expect((await par(REAL, SECRET)).status).toBe(201);
  });

  it('counts per client: failures against one client do not refuse another client on the same address', async () => {
    const { app } = testApp({ trustedProxies: ['127.0.0.1'], authFailureRateLimit: { max: 2, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++)
      await request(app)
        .post('/par')
        .set('X-Forwarded-For', ATTACKER)
        .set('Authorization', basic('web-app', 'wrong'))
        .type('form')
        .send(form(webBody));
    const other = await request(app)
      .post('/par')
      .set('X-Forwarded-For', ATTACKER)
      .type('form')
      .send(form({ client_id: 'post-app', client_secret: SECRET, response_type: 'code' }));
    expect(other.status).toBe(201);
  });

  it('the journey API shares the budget: guesses there are refused the same way', async () => {
    const { app } = await journeyApp({ trustedProxies: ['127.0.0.1'], authFailureRateLimit: { max: 3, windowSeconds: 60 } });
    const start = (ip: string, secret: string) =>
      request(app).post('/journeys/ask-login').set('X-Forwarded-For', ip).set('Authorization', basic('web-app', secret)).send({});
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await start(ATTACKER, 'wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await start(ATTACKER, SECRET)).status).toBe(429);
    expect((await start(REAL, SECRET)).status).toBe(200);
  });

  it('POST /policies/evaluate shares it too: a guessing enforcement point is refused after 20 failures', async () => {
    const { app } = await policyTestApp();
    const evaluate = (auth: string) =>
      request(app).post('/policies/evaluate').set('Authorization', auth).set('Content-Type', 'application/json').send({ resources: [] });
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await evaluate(basic('payments-pep', `wrong-${i}`))).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    const refused = await evaluate(PEP_AUTH);
    expect(statuses[20]).toBe(429);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not count public clients, which present nothing to guess', async () => {
    const { app } = await journeyApp({ trustedProxies: ['127.0.0.1'], authFailureRateLimit: { max: 1, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++)
      expect((await request(app).post('/journeys/confirm').set('X-Forwarded-For', ATTACKER).send({ client_id: 'spa-app' })).status).toBe(
        200,
      );
  });

  it('false turns the limit off', async () => {
    const { app } = testApp({ authFailureRateLimit: false });
    for (let i = 0; i < 30; i++)
      expect(
        (await request(app).post('/par').set('Authorization', basic('web-app', 'wrong')).type('form').send(form(webBody))).status,
      ).toBe(401);
  });
});
