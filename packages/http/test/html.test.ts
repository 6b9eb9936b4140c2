import { describe, expect, it } from '@jest/globals';
import { callbackForm, escapeHtml, layout, messagePage } from '@waymark/http';
import { callbacks } from '@waymark/sdk';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and double-quoted attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('layout and messagePage', () => {
  it('builds one escaped page that links the stylesheet relative to base and has no script or inline style', () => {
    const html = layout('<Sign in>', '<p>trusted</p>', '/base/');
    expect(html).toContain('<title>&lt;Sign in&gt;</title>');
    expect(html).toContain('<h1>&lt;Sign in&gt;</h1>');
    expect(html).toContain('<link rel="stylesheet" href="/base/assets/waymark.css">');
    expect(html).toContain('<p>trusted</p>');
    expect(html).not.toMatch(/<script|style=/);
  });

  it('announces errors as alerts and other messages as status', () => {
    expect(messagePage('Oops', 'a <b>', 'alert')).toContain('<p role="alert" class="error">a &lt;b&gt;</p>');
    expect(messagePage('Done', 'ok', 'status')).toContain('<p role="status">ok</p>');
  });
});

describe('callbackForm', () => {
  it('names each input after its callback field, labels it, and adds the hidden fields and a Continue button', () => {
    const steps = [callbacks.name('User name'), callbacks.password('Password')];
    steps[0]!.input[0]!.name = 'IDToken1';
    steps[1]!.input[0]!.name = 'IDToken2';
    const html = callbackForm({ action: '/authorize/continue', callbacks: steps, hidden: { journeyId: 'j"1', csrf: 'c' } });
    expect(html).toContain('<form method="post" action="/authorize/continue">');
    expect(html).toContain('<label for="IDToken1">User name</label>');
    expect(html).toMatch(/<input id="IDToken1" name="IDToken1" type="text" autocomplete="username" required autofocus>/);
    expect(html).toMatch(/<input id="IDToken2" name="IDToken2" type="password" autocomplete="current-password" required>/);
    expect(html).toContain('<input type="hidden" name="journeyId" value="j&quot;1">');
    expect(html).toContain('<button type="submit">Continue</button>');
  });

  it('answers a confirmation with one button per option instead of Continue', () => {
    const step = callbacks.confirmation('Go on?', ['Yes', 'No']);
    step.input[0]!.name = 'IDToken1';
    const html = callbackForm({ action: '/x', callbacks: [step], hidden: {} });
    expect(html).toContain(
      '<button type="submit" name="IDToken1" value="0">Yes</button> <button type="submit" name="IDToken1" value="1">No</button>',
    );
    expect(html).not.toContain('Continue');
  });
});
