import { describe, expect, it } from '@jest/globals';
import { callbackForm, failedPolicyMessages, formToCallbacks, redirectFormOrigins } from '@waymark/http';
import { callbacks, type Callback } from '@waymark/sdk';

/** Numbers the inputs as the engine does (IDToken<i+1>). */
function numbered(list: Callback[]): Callback[] {
  return list.map((cb, i) => ({
    ...cb,
    input: cb.input.map((f, j) => ({ name: j === 0 ? `IDToken${i + 1}` : `IDToken${i + 1}_${j}`, value: f.value })),
  }));
}

function form(list: Callback[]): string {
  return callbackForm({ action: '/authorize/continue', callbacks: list, hidden: { journeyId: 'j', csrf: 'c' } });
}

/** The attributes of the <input> named `name` (the first one for radios). */
function inputTag(html: string, name: string): string {
  const tag = html.match(new RegExp(`<input [^>]*name="${name}"[^>]*>`))?.[0];
  if (tag === undefined) throw new Error(`no input named ${name} in ${html}`);
  return tag;
}

function labelFor(html: string, id: string): string | undefined {
  return html.match(new RegExp(`<label for="${id}">([^<]*)</label>`))?.[1];
}

describe('callbackForm: the callbacks AIC exports use', () => {
  it('renders a string attribute as a labelled input of the fitting type, required when the callback says so', () => {
    const html = form(
      numbered([
        callbacks.stringAttribute('mail', 'Email address', { required: true, value: 'a@example.com' }),
        callbacks.stringAttribute('givenName', 'First name'),
      ]),
    );
    const mail = inputTag(html, 'IDToken1');
    expect(mail).toMatch(/type="email"/);
    expect(mail).toMatch(/autocomplete="email"/);
    expect(mail).toMatch(/value="a@example.com"/);
    expect(mail).toMatch(/ required/);
    expect(mail).toMatch(/ autofocus/);
    expect(labelFor(html, 'IDToken1')).toBe('Email address');
    const given = inputTag(html, 'IDToken2');
    expect(given).toMatch(/type="text"/);
    expect(given).toMatch(/autocomplete="given-name"/);
    expect(given).not.toMatch(/required|aria-invalid/);
  });

  it('renders a number attribute as a number input and a boolean one as a checkbox', () => {
    const html = form(
      numbered([
        callbacks.numberAttribute('age', 'Age', { value: 42 }),
        callbacks.booleanAttribute('newsletter', 'Send me news', { value: true }),
      ]),
    );
    expect(inputTag(html, 'IDToken1')).toMatch(/type="number" step="any"/);
    expect(inputTag(html, 'IDToken1')).toMatch(/value="42"/);
    expect(labelFor(html, 'IDToken1')).toBe('Age');
    const box = inputTag(html, 'IDToken2');
    expect(box).toMatch(/type="checkbox" value="true" checked/);
    expect(labelFor(html, 'IDToken2')).toBe('Send me news');
  });

  it('shows failed policies as the field error, tied to the input with aria-describedby', () => {
    const html = form(
      numbered([
        callbacks.stringAttribute('mail', 'Email', {
          failedPolicies: [
            '{"policyRequirement":"VALID_EMAIL_ADDRESS_FORMAT"}',
            '{"policyRequirement":"MIN_LENGTH","params":{"minLength":8}}',
          ],
        }),
      ]),
    );
    const input = inputTag(html, 'IDToken1');
    expect(input).toMatch(/aria-invalid="true"/);
    expect(input).toMatch(/aria-describedby="IDToken1-error"/);
    expect(html).toContain('<span id="IDToken1-error" class="error">Enter a valid email address. Use at least 8 characters.</span>');
    expect(failedPolicyMessages(callbacks.numberAttribute('n', 'N', { failedPolicies: ['Too <big>'] }))).toEqual(['Too <big>']);
    expect(form(numbered([callbacks.numberAttribute('n', 'N', { failedPolicies: ['Too <big>'] })]))).toContain('Too &lt;big&gt;');
  });

  it('renders terms and conditions as the terms text and a required checkbox that describes itself by them', () => {
    const html = form(numbered([callbacks.termsAndConditions('Be <nice>.', '2')]));
    expect(html).toContain('<div id="IDToken1-terms" class="terms-text">Be &lt;nice&gt;.</div>');
    const box = inputTag(html, 'IDToken1');
    expect(box).toMatch(/type="checkbox" value="true" required aria-describedby="IDToken1-terms"/);
    expect(labelFor(html, 'IDToken1')).toBe('I accept the terms and conditions');
    expect(html).toContain('(version 2)');
  });

  it('renders identity providers as a radio list with labels, the chosen one checked', () => {
    const html = form(
      numbered([
        callbacks.selectIdp(
          [{ provider: 'google', uiConfig: { buttonDisplayName: 'Google' } }, { provider: 'localAuthentication' }],
          'localAuthentication',
        ),
      ]),
    );
    expect(html).toContain('<legend>Sign in with</legend>');
    expect(html).toMatch(/<input type="radio" id="IDToken1-0" name="IDToken1" value="google" required autofocus>/);
    expect(html).toMatch(/<input type="radio" id="IDToken1-1" name="IDToken1" value="localAuthentication" checked>/);
    expect(labelFor(html, 'IDToken1-0')).toBe('Google');
    expect(labelFor(html, 'IDToken1-1')).toBe('localAuthentication');
  });

  it('renders a polling wait as a status with a Continue button, without script or refresh', () => {
    const html = form(numbered([callbacks.pollingWait(5000, 'Approve the push on your phone.')]));
    expect(html).toContain('<p role="status">Approve the push on your phone.</p>');
    expect(html).toContain('Continue in about 5 seconds.');
    expect(html).toContain('<button type="submit">Continue</button>');
    expect(html).not.toMatch(/<script|http-equiv|autofocus/);
  });

  it('renders a GET redirect as a link and a POST one as its own form after the step, and never a javascript: URL', () => {
    const get = form(numbered([callbacks.redirect('https://idp.example/auth?x=1&y=2')]));
    expect(get).toContain('<a href="https://idp.example/auth?x=1&amp;y=2" rel="noreferrer">Continue to idp.example</a>');
    const post = [callbacks.redirect('https://pay.example/start', 'POST', { token: 'a"b' })];
    const html = form(numbered(post));
    expect(html.indexOf('</form>')).toBeLessThan(html.indexOf('<form method="post" action="https://pay.example/start">'));
    expect(html).toContain('<input type="hidden" name="token" value="a&quot;b">');
    expect(redirectFormOrigins(post)).toEqual(['https://pay.example']);
    expect(redirectFormOrigins(numbered([callbacks.redirect('https://idp.example/a')]))).toEqual([]);
    const evil = form(numbered([callbacks.redirect('javascript:alert(1)')]));
    expect(evil).not.toContain('javascript:');
    expect(evil).toContain('role="alert"');
  });

  it('shows text output by type: information as status, warning and error as alerts, and AIC script (type 4) never', () => {
    const script: Callback = {
      type: 'TextOutputCallback',
      output: [
        { name: 'message', value: 'document.cookie' },
        { name: 'messageType', value: '4' },
      ],
      input: [],
    };
    const html = form([callbacks.textOutput('Hello', 0), callbacks.textOutput('Careful', 1), callbacks.textOutput('Wrong', 2), script]);
    expect(html).toContain('<p role="status">Hello</p>');
    expect(html).toContain('<p role="alert" class="warning">Careful</p>');
    expect(html).toContain('<p role="alert" class="error">Wrong</p>');
    expect(html).not.toContain('document.cookie');
  });

  it("shows a page's description above the form", () => {
    const html = callbackForm({
      action: '/x',
      callbacks: numbered([callbacks.name('User')]),
      hidden: {},
      description: 'Use <work> account',
    });
    expect(html.startsWith('<p class="description">Use &lt;work&gt; account</p>\n<form')).toBe(true);
  });
});

describe('formToCallbacks: typed answers', () => {
  const pending = numbered([
    callbacks.stringAttribute('mail', 'Email', { value: 'old@example.com' }),
    callbacks.numberAttribute('age', 'Age', { value: 30 }),
    callbacks.booleanAttribute('news', 'News', { value: true }),
    callbacks.termsAndConditions('Terms', '1'),
    callbacks.selectIdp([{ provider: 'google' }, { provider: 'apple' }]),
    callbacks.pollingWait(1000, 'wait'),
  ]);

  it('turns a number field into a number, a posted checkbox into true and an unposted one into false', () => {
    const filled = formToCallbacks(pending, { IDToken1: 'new@example.com', IDToken2: '41.5', IDToken4: 'true', IDToken5: 'apple' });
    expect(filled.map((cb) => cb.input[0]?.value)).toEqual(['new@example.com', 41.5, false, true, 'apple', undefined]);
    expect(filled[5]?.input).toEqual([]);
  });

  it('reads an attribute field left empty as empty, and keeps what is no number or boolean as text for the node to refuse', () => {
    const filled = formToCallbacks(pending, { IDToken2: '4e', IDToken3: 'yes' });
    expect(filled.map((cb) => cb.input[0]?.value).slice(0, 4)).toEqual(['', '4e', 'yes', false]);
    expect(formToCallbacks(pending, {})[1]?.input[0]?.value).toBeNull();
  });
});
