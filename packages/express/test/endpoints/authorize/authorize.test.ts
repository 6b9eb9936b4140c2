import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { StoreUnavailableError } from '@waymark/core';
import { WaymarkError } from '@waymark/sdk';
import { ISSUER } from '../../support/app.js';
import { cookieSets, setCookies } from '../../../../../test/support/handoff-app.js';
import { formOf, journeyApp, plainAuthorize } from '../../support/journeys.js';

const FORM = 'application/x-www-form-urlencoded';

describe('GET /authorize — a suspended step as a page', () => {
  it('renders one accessible form with labels, autocomplete, the journey id and a CSRF token, and no script or inline style', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text.match(/<form /g)).toHaveLength(1);
    expect(res.text).toContain('<form method="post" action="/authorize/continue">');
    expect(res.text).toContain('<label for="IDToken1">User name</label>');
    expect(res.text).toMatch(/<input id="IDToken1" name="IDToken1" type="text" autocomplete="username" required/);
    expect(res.text).toMatch(/<input id="IDToken2" name="IDToken2" type="password" autocomplete="current-password" required/);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/waymark.css">');
    expect(res.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    const form = formOf(res);
    expect(form.journeyId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(form.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookies(res).find((c) => c.startsWith('__Host-waymark-csrf='))).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('sends the security headers and lets the form end only at this origin or the client’s own origins', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize());
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://app.example.com");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers the AIC JSON shape to Accept: application/json', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize()).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authId: expect.any(String), journeyId: res.body.authId, header: 'Sign in', stage: 'credentials' });
    expect(res.body.callbacks.map((c: { type: string }) => c.type)).toEqual(['NameCallback', 'PasswordCallback']);
    expect(res.body.callbacks[0].input).toEqual([{ name: 'IDToken1', value: '' }]);
  });

  it('serves the stylesheet the pages link, as CSS', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get('/assets/waymark.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.text).toContain(':focus-visible');
  });
});

describe('POST /authorize/continue', () => {
  async function started() {
    const t = await journeyApp();
    const page = await request(t.app).get(plainAuthorize());
    return { ...t, form: formOf(page) };
  }

  it('maps IDToken fields back into the callbacks, and on success sets the session cookie and answers 303 to the allowlisted redirect', async () => {
    const { app, stores, form } = await started();
    const res = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://app.example.com/home');
    const session = cookieSets(res).find((c) => c.startsWith('__Host-waymark-session='));
    expect(session).toMatch(/^__Host-waymark-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const id = session!.split(';')[0]!.split('=')[1]!;
    expect(await stores.sessions.get(id)).toMatchObject({ sub: 'user-alice', clientId: 'web-app' });
  });

  it('on failure redirects to the registered redirect_uri with error, state and iss (RFC 9207), and sets no cookie', async () => {
    const { app, form } = await started();
    const res = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'alice', IDToken2: 'wrong' }).toString());
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/callback');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    expect(cookieSets(res)).toEqual([]);
    expect(location.href).not.toContain('wrong');
  });

  it('refuses a post without the CSRF cookie (a cross-site form) and leaves the journey waiting', async () => {
    const { app, engine, form } = await started();
    const res = await request(app)
      .post('/authorize/continue')
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString());
    expect(res.status).toBe(403);
    expect(cookieSets(res)).toEqual([]);
    expect(await engine.pending(form.journeyId)).toBeDefined();
  });

  it('refuses a CSRF token of another journey or another browser (login CSRF)', async () => {
    const { app, form } = await started();
    const other = formOf(await request(app).get(plainAuthorize()));
    const crossed = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: other.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString());
    expect(crossed.status).toBe(403);
    // The attacker's own journey and token, posted from the victim's browser (another cookie).
    const victim = await request(app)
      .post('/authorize/continue')
      .set('Cookie', other.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'mallory', IDToken2: 'pw' }).toString());
    expect(victim.status).toBe(403);
  });

  it('answers an unknown or finished journey with a 400 page', async () => {
    const { app, form } = await started();
    const body = new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString();
    await request(app).post('/authorize/continue').set('Cookie', form.cookie).type(FORM).send(body);
    const again = await request(app).post('/authorize/continue').set('Cookie', form.cookie).type(FORM).send(body);
    expect(again.status).toBe(400);
    expect(again.headers['content-type']).toMatch(/^text\/html/);
    expect(again.text).toContain('has expired or has finished already');
  });

  it('answers a journey advanced by another submission with a 409 page', async () => {
    const { app, engine, form } = await started();
    engine.resume = async () => {
      throw new WaymarkError('ERR_JOURNEY_CONFLICT', 'lost');
    };
    const res = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf }).toString());
    expect(res.status).toBe(409);
    expect(res.text).toContain('submitted already');
  });

  it('renders a choice step as buttons and follows the one pressed', async () => {
    const { app } = await journeyApp();
    const page = await request(app).get(plainAuthorize({ acr_values: 'confirm' }));
    expect(page.text).toContain('Continue to the app?');
    expect(page.text).toContain('<button type="submit" name="IDToken2" value="0">Yes</button>');
    const form = formOf(page);
    const res = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken2: '0' }).toString());
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed in');
  });
});

describe('GET /authorize — requests and errors', () => {
  it('picks the flow named by acr_values when the client allows it, else the client’s first flow', async () => {
    const { app } = await journeyApp();
    expect(
      (
        await request(app)
          .get(plainAuthorize({ acr_values: 'nope confirm' }))
          .set('Accept', 'application/json')
      ).body.callbacks[0].type,
    ).toBe('TextOutputCallback');
    expect((await request(app).get(plainAuthorize()).set('Accept', 'application/json')).body.callbacks[0].type).toBe('NameCallback');
  });

  it('sends acr_values naming no allowed flow back to the redirect_uri as unauthorized_client, with state and iss', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize({ acr_values: 'other-flow' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location as string);
    expect(location.searchParams.get('error')).toBe('unauthorized_client');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('never redirects to an unregistered redirect_uri: an error page instead', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize({ redirect_uri: 'https://evil.example/cb' }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain('evil.example');
  });

  it('answers an unknown client with a page, never a redirect', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(plainAuthorize({ client_id: 'nobody' }));
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses a token or a client secret in the URL', async () => {
    const { app } = await journeyApp();
    for (const name of ['access_token', 'subject_token', 'client_secret']) {
      const res = await request(app).get(plainAuthorize({ [name]: 'secret-value-123' }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).not.toContain('secret-value-123');
    }
  });

  it('validates plain requests as PAR does: PKCE is required', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(
      `/authorize?${new URLSearchParams({ client_id: 'web-app', response_type: 'code', redirect_uri: 'https://app.example.com/callback', state: 's' }).toString()}`,
    );
    expect(res.status).toBe(303);
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a repeated parameter', async () => {
    const { app } = await journeyApp();
    const res = await request(app).get(`${plainAuthorize()}&client_id=spa-app`);
    expect(res.status).toBe(400);
  });

  it('fails closed with 503 temporarily_unavailable when the store is down', async () => {
    const { app, stores } = await journeyApp();
    stores.pushedRequests.take = async () => {
      throw new StoreUnavailableError('pushedRequests');
    };
    const res = await request(app).get('/authorize?client_id=web-app&request_uri=urn:ietf:params:oauth:request_uri:abc');
    expect(res.status).toBe(503);
    expect(res.text).toContain('temporarily unavailable');
  });

  it('counts authorize requests and journeys by flow and outcome, and times nodes by type, on /metrics', async () => {
    const { app } = await journeyApp();
    const form = formOf(await request(app).get(plainAuthorize()));
    await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(new URLSearchParams({ journeyId: form.journeyId, csrf: form.csrf, IDToken1: 'alice', IDToken2: 'pw' }).toString());
    const metrics = (await request(app).get('/metrics')).text;
    expect(metrics).toContain('waymark_journeys_started_total{flow="ask-login"} 1');
    expect(metrics).toContain('waymark_journeys_total{flow="ask-login",outcome="success"} 1');
    expect(metrics).toMatch(/waymark_node_duration_seconds_count\{type="session\.create"\} 1/);
    expect(metrics).toContain('waymark_authorize_requests_total{client="web-app",result="suspended"} 1');
    expect(metrics).toContain('waymark_authorize_requests_total{client="web-app",result="success"} 1');
  });
});
