import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createEngine, createMemoryStores } from '@waymark/core';
import { builtinNodes } from '@waymark/nodes';
import { callbacks, defineNode, inputValue, outputValue, type Callback } from '@waymark/sdk';
import { setCookies } from '../../../../../test/support/handoff-app.js';
import { TestClock } from '../../support/app.js';
import { formOf, journeyApp, plainAuthorize, WEB_AUTH, webClient } from '../../support/journeys.js';

/*
 * A page step (several input nodes as one step) and every callback type real exports use,
 * through the express adapter: the HTML page and its form, and the JSON journey API.
 */

const FORM = 'application/x-www-form-urlencoded';

/** Asks the mail attribute; refuses one without "@" with AIC's failedPolicies, keeping the value. */
const mailNode = defineNode({
  type: 'test.mail',
  version: 1,
  description: 'Asks the mail attribute.',
  outcomes: ['collected'],
  run(ctx) {
    const asked = (value = '', failed: string[] = []) =>
      ctx.suspend([callbacks.stringAttribute('mail', 'Email', { required: true, value, failedPolicies: failed })]);
    if (ctx.callbacks === undefined) return asked();
    const value = inputValue(ctx.callbacks.find((c) => c.type === 'StringAttributeInputCallback'));
    if (typeof value !== 'string' || !value.includes('@'))
      return asked(String(value ?? ''), ['{"policyRequirement":"VALID_EMAIL_ADDRESS_FORMAT"}']);
    ctx.state.sub = `user-${value}`;
    return 'collected';
  },
});

/** Asks every callback type once; on resume, `ok` only when each answer has its type. */
const everythingNode = defineNode({
  type: 'test.everything',
  version: 1,
  description: 'Asks every callback type.',
  outcomes: ['ok', 'bad'],
  run(ctx) {
    if (ctx.callbacks === undefined)
      return ctx.suspend([
        callbacks.textOutput('Welcome', 1),
        callbacks.stringAttribute('givenName', 'First name'),
        callbacks.numberAttribute('age', 'Age'),
        callbacks.booleanAttribute('newsletter', 'Send me news'),
        callbacks.termsAndConditions('Be nice.', '3'),
        callbacks.selectIdp([{ provider: 'google' }, { provider: 'local' }]),
        callbacks.pollingWait(2000, 'Hold on'),
        callbacks.redirect('https://pay.example/start', 'POST', { order: '42' }),
      ]);
    const values = ctx.callbacks.map((c) => inputValue(c));
    const [, given, age, news, terms, idp] = values;
    const typed = given === 'Ada' && age === 36 && news === false && terms === true && idp === 'local';
    ctx.state.sub = 'user-ada';
    return typed ? 'ok' : 'bad';
  },
});

const pageFlow = {
  id: 'page-login',
  version: 1,
  description: 'Credentials, mail and a provider on one page.',
  start: 'signIn',
  nodes: {
    signIn: {
      type: 'page',
      config: {
        header: 'Sign in',
        description: 'Use your work account.',
        stage: 'page-one',
        nodes: [
          { id: 'creds', type: 'credentials.collect' },
          { id: 'mail', type: 'test.mail' },
          {
            id: 'idp',
            type: 'idp.select',
            config: {
              providers: [
                { provider: 'google', label: 'Google' },
                { provider: 'local', label: 'This site' },
              ],
            },
          },
        ],
      },
      outcomes: { google: 'createSession', local: 'failure' },
    },
    createSession: { type: 'session.create', outcomes: { created: 'toHome', conflict: 'failure' } },
    toHome: {
      type: 'redirect',
      config: { from: { value: 'https://app.example.com/home' } },
      outcomes: { redirected: 'success', rejected: 'failure' },
    },
  },
};

const everythingFlow = {
  id: 'everything',
  version: 1,
  description: 'Every callback type.',
  start: 'ask',
  nodes: { ask: { type: 'test.everything', outcomes: { ok: 'success', bad: 'failure' } } },
};

async function pageApp() {
  const clock = new TestClock();
  const stores = createMemoryStores(clock);
  const engine = await createEngine({ nodes: [...builtinNodes, mailNode, everythingNode], stores, clock });
  engine.load(pageFlow);
  engine.load(everythingFlow);
  const client = { ...webClient, allowed_flows: ['page-login', 'everything'] };
  return journeyApp({ stores, clock, engine, clients: [client] });
}

function inputTag(html: string, name: string): string {
  const tag = html.match(new RegExp(`<input [^>]*name="${name}"[^>]*>`))?.[0];
  if (tag === undefined) throw new Error(`no input named ${name}`);
  return tag;
}

describe('a page step in the browser', () => {
  it('shows the children as one form, shows it again with the refused field marked, then signs in', async () => {
    const { app } = await pageApp();
    const first = await request(app).get(plainAuthorize({ acr_values: 'page-login' }));
    expect(first.status).toBe(200);
    expect(first.text).toContain('<h1>Sign in</h1>');
    expect(first.text).toContain('<p class="description">Use your work account.</p>');
    expect(first.text.match(/<form /g)).toHaveLength(1);
    expect(inputTag(first.text, 'IDToken1')).toMatch(/type="text" autocomplete="username"/);
    expect(inputTag(first.text, 'IDToken2')).toMatch(/type="password"/);
    expect(inputTag(first.text, 'IDToken3')).toMatch(/type="email" autocomplete="email" required/);
    expect(first.text).toContain('<label for="IDToken3">Email</label>');
    expect(first.text).toMatch(/<input type="radio" id="IDToken4-0" name="IDToken4" value="google" required>/);
    expect(first.text).toContain('<label for="IDToken4-1">This site</label>');
    expect(first.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    const form = formOf(first);

    const refused = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(
        new URLSearchParams({
          journeyId: form.journeyId,
          csrf: form.csrf,
          IDToken1: 'alice',
          IDToken2: 'pw',
          IDToken3: 'alice.example',
          IDToken4: 'google',
        }).toString(),
      );
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('<h1>Sign in</h1>');
    expect(inputTag(refused.text, 'IDToken1')).toMatch(/value="alice"/);
    expect(inputTag(refused.text, 'IDToken2')).not.toMatch(/value=/);
    const mail = inputTag(refused.text, 'IDToken3');
    expect(mail).toMatch(/value="alice.example"/);
    expect(mail).toMatch(/aria-invalid="true" aria-describedby="IDToken3-error"/);
    expect(refused.text).toContain('<span id="IDToken3-error" class="error">Enter a valid email address.</span>');
    expect(refused.text).toMatch(/value="google" checked/);

    const done = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      .send(
        new URLSearchParams({
          journeyId: form.journeyId,
          csrf: form.csrf,
          IDToken1: 'alice',
          IDToken2: 'pw',
          IDToken3: 'alice@example.com',
          IDToken4: 'google',
        }).toString(),
      );
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('https://app.example.com/home');
    expect(setCookies(done).some((c) => c.startsWith('__Host-waymark-session='))).toBe(true);
  });

  it('answers every callback type from the form with typed values, and lets a POST redirect through the CSP', async () => {
    const { app } = await pageApp();
    const first = await request(app).get(plainAuthorize({ acr_values: 'everything' }));
    expect(first.status).toBe(200);
    expect(first.headers['content-security-policy']).toMatch(/form-action 'self'[^;]* https:\/\/pay\.example/);
    expect(first.text).toContain('<p role="alert" class="warning">Welcome</p>');
    expect(inputTag(first.text, 'IDToken3')).toMatch(/type="number"/);
    expect(inputTag(first.text, 'IDToken4')).toMatch(/type="checkbox"/);
    expect(inputTag(first.text, 'IDToken5')).toMatch(/type="checkbox" value="true" required aria-describedby="IDToken5-terms"/);
    expect(first.text).toContain('<form method="post" action="https://pay.example/start">');
    const form = formOf(first);
    const done = await request(app)
      .post('/authorize/continue')
      .set('Cookie', form.cookie)
      .type(FORM)
      // The newsletter box unchecked (not posted): false; the terms box checked: true.
      .send(
        new URLSearchParams({
          journeyId: form.journeyId,
          csrf: form.csrf,
          IDToken2: 'Ada',
          IDToken3: '36',
          IDToken5: 'true',
          IDToken6: 'local',
        }).toString(),
      );
    expect(done.status).toBe(200);
    expect(done.text).toContain('You are signed in');
  });
});

describe('a page step and every callback type in the JSON journey API', () => {
  it('answers the page step with header, description and stage, and takes the answers back', async () => {
    const { app } = await pageApp();
    const start = await request(app).post('/journeys/page-login').set('Authorization', WEB_AUTH).send({});
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ header: 'Sign in', description: 'Use your work account.', stage: 'page-one' });
    const asked = start.body.callbacks as Callback[];
    expect(asked.map((c) => c.type)).toEqual(['NameCallback', 'PasswordCallback', 'StringAttributeInputCallback', 'SelectIdPCallback']);
    const values: unknown[] = ['alice', 'pw', 'alice@example.com', 'google'];
    const answered = asked.map((c, i) => ({ ...c, input: c.input.map((f) => ({ ...f, value: values[i] })) }));
    const done = await request(app)
      .post(`/journeys/${start.body.journeyId as string}/continue`)
      .send({ callbacks: answered });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'success', redirect: 'https://app.example.com/home' });
  });

  it('round-trips every callback type with typed JSON values', async () => {
    const { app } = await pageApp();
    const start = await request(app).post('/journeys/everything').set('Authorization', WEB_AUTH).send({});
    const asked = start.body.callbacks as Callback[];
    expect(asked.map((c) => c.type)).toEqual([
      'TextOutputCallback',
      'StringAttributeInputCallback',
      'NumberAttributeInputCallback',
      'BooleanAttributeInputCallback',
      'TermsAndConditionsCallback',
      'SelectIdPCallback',
      'PollingWaitCallback',
      'RedirectCallback',
    ]);
    expect(outputValue(asked[7], 'redirectData')).toEqual({ order: '42' });
    const values: unknown[] = [undefined, 'Ada', 36, false, true, 'local'];
    const answered = asked.map((c, i) => ({ ...c, input: c.input.map((f) => ({ ...f, value: values[i] })) }));
    const done = await request(app)
      .post(`/journeys/${start.body.journeyId as string}/continue`)
      .send({ callbacks: answered });
    expect(done.body).toMatchObject({ status: 'success' });
    // A number given as text is not a number: the node sees it as given.
    const again = await request(app).post('/journeys/everything').set('Authorization', WEB_AUTH).send({});
    const wrong = (again.body.callbacks as Callback[]).map((c, i) => ({
      ...c,
      input: c.input.map((f) => ({ ...f, value: i === 2 ? '36' : values[i] })),
    }));
    const refused = await request(app)
      .post(`/journeys/${again.body.journeyId as string}/continue`)
      .send({ callbacks: wrong });
    expect(refused.body).toMatchObject({ status: 'failure' });
  });
});
