import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes, MemoryUserStore, verifyPassword } from '@waymark/nodes';
import { createWaymarkRouter } from '@waymark/express';
import { registrationFlow } from '../../../../../test/support/user-journeys.js';
import { captureLogger, ISSUER, TestClock } from '../../support/app.js';
import { spaClient } from '../../support/journeys.js';

type Callback = { type: string; output: { name: string; value: unknown }[]; input: { name: string; value: unknown }[] };

const fill = (callbacks: Callback[], values: unknown[]): Callback[] =>
  callbacks.map((cb, i) => ({ ...cb, input: cb.input.map((f) => ({ ...f, value: values[i] })) }));

async function registrationApp() {
  const clock = new TestClock();
  const stores = createMemoryStores(clock);
  const logger = captureLogger();
  const users = new MemoryUserStore();
  const engine = await createEngine({ nodes: builtinNodes, stores, clock, logger, services: { users } });
  engine.load(registrationFlow);
  const router = createWaymarkRouter({
    issuer: ISSUER,
    clients: [{ ...spaClient, allowed_flows: ['registration'] }],
    stores,
    clock,
    logger,
    engine,
    parRateLimit: false,
  });
  const app = express();
  app.use('/', router);
  return { app, users, stores, logger };
}

describe('the registration journey over the JSON journey API', () => {
  it('asks each step as AIC callbacks, takes typed answers back, creates the user and a session', async () => {
    const { app, users, stores, logger } = await registrationApp();
    let step = await request(app).post('/journeys/registration').send({ client_id: 'spa-app' });
    expect(step.status).toBe(200);
    const answers: [string[], unknown[]][] = [
      [['NameCallback'], ['hana']],
      [['PasswordCallback'], ['hana password']],
      [
        ['StringAttributeInputCallback', 'NumberAttributeInputCallback', 'BooleanAttributeInputCallback'],
        ['hana@example.com', 41, false],
      ],
      [['TermsAndConditionsCallback'], [true]],
    ];
    for (const [types, values] of answers) {
      expect((step.body.callbacks as Callback[]).map((c) => c.type)).toEqual(types);
      step = await request(app)
        .post(`/journeys/${step.body.journeyId as string}/continue`)
        .send({ callbacks: fill(step.body.callbacks as Callback[], values) });
      expect(step.status).toBe(200);
    }
    expect(step.body).toMatchObject({ status: 'success', sessionId: expect.any(String) });
    const hana = (await users.findByUsername('hana'))!;
    expect(hana.attributes).toMatchObject({ mail: 'hana@example.com', age: 41, newsletter: false, termsAccepted: { version: '2' } });
    expect(await verifyPassword('hana password', hana.passwordHash!)).toBe(true);
    expect(await stores.sessions.get(step.body.sessionId as string)).toMatchObject({ sub: hana.sub });
    expect(JSON.stringify(logger.lines)).not.toContain('hana password');
  });

  it('answers a refused attribute with the same step again, failedPolicies filled', async () => {
    const { app } = await registrationApp();
    let step = await request(app).post('/journeys/registration').send({ client_id: 'spa-app' });
    for (const values of [['ivy'], ['ivy password']])
      step = await request(app)
        .post(`/journeys/${step.body.journeyId as string}/continue`)
        .send({ callbacks: fill(step.body.callbacks as Callback[], values) });
    const refused = await request(app)
      .post(`/journeys/${step.body.journeyId as string}/continue`)
      .send({ callbacks: fill(step.body.callbacks as Callback[], ['', 41, false]) });
    expect(refused.status).toBe(200);
    const mail = (refused.body.callbacks as Callback[])[0]!;
    expect(mail.type).toBe('StringAttributeInputCallback');
    expect(mail.output.find((f) => f.name === 'failedPolicies')?.value).toEqual(['{"policyRequirement":"REQUIRED"}']);
  });
});
