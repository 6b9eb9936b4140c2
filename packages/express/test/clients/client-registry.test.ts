import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadClients } from '@waymark/express';
import type { Callback } from '@waymark/sdk';
import { CHALLENGE, SECRET, basic, clients, form, testApp } from '../support/app.js';
import { formOf, journeyApp, plainAuthorize } from '../support/journeys.js';

const fill = (callbacks: Callback[], values: string[]): Callback[] =>
  callbacks.map((cb, i) => ({ ...cb, input: cb.input.map((f) => ({ ...f, value: values[i] })) }));

const webBody = {
  response_type: 'code',
  redirect_uri: 'https://app.example.com/callback',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};
const mobileBody = {
  client_id: 'mobile-app',
  response_type: 'code',
  redirect_uri: 'com.example.app:/callback',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

describe('ClientRegistry.replace: clients changed at run time', () => {
  it('a client removed from the registry is refused at once as unknown (invalid_client); the others keep working', async () => {
    const { app, router } = testApp();
    expect((await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(webBody))).status).toBe(
      201,
    );
    router.clients.replace(loadClients([clients.mobile]));
    const refused = await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(webBody));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await request(app).post('/par').type('form').send(form(mobileBody))).status).toBe(201);
  });

  it('a journey of a client removed since it started cannot be continued: JSON and browser continue answer invalid_client', async () => {
    const { app, router } = await journeyApp();
    const json = await request(app).post('/journeys/ask-login').send({ client_id: 'spa-app' });
    const page = formOf(await request(app).get(plainAuthorize()));
    router.clients.replace([]);
    const refused = await request(app)
      .post(`/journeys/${json.body.journeyId}/continue`)
      .send({ callbacks: fill(json.body.callbacks, ['alice', 'pw']) });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    const posted = await request(app)
      .post('/authorize/continue')
      .set('Cookie', page.cookie)
      .type('form')
      .send(new URLSearchParams({ journeyId: page.journeyId, csrf: page.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString());
    expect(posted.status).toBe(401);
    expect(posted.text).toContain('Request not valid');
  });

  it('a changed client is used as changed (a new secret), and a client added is known', async () => {
    const { app, router } = testApp({ clients: [clients.mobile] });
    const newSecret = 'another-client-secret-of-at-least-32-chars';
    router.clients.replace(loadClients([clients.mobile, { ...clients.web, client_secret: newSecret }]));
    expect(
      (await request(app).post('/par').set('Authorization', basic('web-app', newSecret)).type('form').send(form(webBody))).status,
    ).toBe(201);
    expect((await request(app).post('/par').set('Authorization', basic('web-app', SECRET)).type('form').send(form(webBody))).status).toBe(
      401,
    );
  });

  it('the metadata follows the clients (RFC 8414): built again after a replace', async () => {
    const { app, router } = testApp({ clients: [clients.mobile] });
    expect((await request(app).get('/.well-known/oauth-authorization-server')).body.token_endpoint_auth_methods_supported).toEqual([
      'none',
    ]);
    router.clients.replace(loadClients([clients.mobile, clients.web]));
    expect((await request(app).get('/.well-known/oauth-authorization-server')).body.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'none',
    ]);
  });
});
