import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import type { Callback } from '@waymark/sdk';

/*
 * The interaction pages: a suspended journey's callbacks as a minimal, accessible HTML form, the
 * same markup and encoding as the adapter's step-up page (no script; one `cb<i>` hidden field per
 * callback carries `type:inputName,…` so the submission maps back onto the callbacks the journey
 * asked for; the engine takes only input values from it).
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A whole page: title as `<title>` and `<h1>`, `main` as already-escaped HTML. */
export function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main>
<h1>${esc(title)}</h1>
${main}
</main></body>
</html>`;
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(html);
}

function output(cb: Callback, name: string): string {
  return String(cb.output.find((f) => f.name === name)?.value ?? '');
}

/** One callback as form controls; inputs of types the page does not know are rendered as text. */
function control(cb: Callback, i: number): string {
  if (cb.type === 'TextOutputCallback') {
    const error = output(cb, 'messageType') === '2';
    return `<p${error ? ' role="alert" class="error"' : ' role="status"'}>${esc(output(cb, 'message'))}</p>`;
  }
  return cb.input
    .map((field, j) => {
      const id = esc(field.name);
      const label = esc(output(cb, 'prompt') || field.name);
      const type = cb.type === 'PasswordCallback' ? 'password' : 'text';
      const autocomplete = cb.type === 'PasswordCallback' ? 'current-password' : cb.type === 'NameCallback' ? 'username' : 'off';
      const value = cb.type === 'PasswordCallback' || field.value === null || field.value === '' ? '' : ` value="${esc(field.value)}"`;
      return `<p><label for="${id}">${label}</label><br><input id="${id}" name="${id}" type="${type}" autocomplete="${autocomplete}" required${value}${i === 0 && j === 0 ? ' autofocus' : ''}></p>`;
    })
    .join('\n');
}

/** The form of a suspended journey. `csrf` binds it to the interaction and the journey. */
export function journeyForm(options: {
  title: string;
  action: string;
  journeyId: string;
  csrf: string;
  callbacks: Callback[];
  submit?: string;
}): string {
  const hidden = [
    `<input type="hidden" name="journeyId" value="${esc(options.journeyId)}">`,
    `<input type="hidden" name="csrf" value="${esc(options.csrf)}">`,
    ...options.callbacks.map(
      (cb, i) => `<input type="hidden" name="cb${i}" value="${esc(cb.type)}:${esc(cb.input.map((f) => f.name).join(','))}">`,
    ),
  ];
  return page(
    options.title,
    `<form method="post" action="${esc(options.action)}" novalidate>
${options.callbacks.map(control).join('\n')}
${hidden.join('\n')}
<p><button type="submit">${esc(options.submit ?? 'Continue')}</button></p>
</form>`,
  );
}

/** Rebuilds the callbacks of a form post (`cb<i>` fields) with the submitted input values. */
export function callbacksFromForm(form: Record<string, string | undefined>, max = 20): Callback[] {
  const callbacks: Callback[] = [];
  for (let i = 0; form[`cb${i}`] !== undefined && i < max; i++) {
    const encoded = form[`cb${i}`] as string;
    const colon = encoded.indexOf(':');
    const type = colon === -1 ? encoded : encoded.slice(0, colon);
    const names = colon === -1 ? '' : encoded.slice(colon + 1);
    callbacks.push({
      type: type as Callback['type'],
      output: [],
      input: names === '' ? [] : names.split(',').map((name) => ({ name, value: form[name] ?? '' })),
    });
  }
  return callbacks;
}

/**
 * CSRF tokens of the interaction forms: an HMAC of the interaction uid and the journey id, so a
 * page of another origin cannot forge one, and a form of one sign-in cannot answer another.
 * The key comes from the cookie keys, so every process of a deployment accepts every form.
 */
export function csrfTokens(key: Buffer): {
  issue(uid: string, journeyId: string): string;
  verify(uid: string, journeyId: string, given: string | undefined): boolean;
} {
  const issue = (uid: string, journeyId: string) => createHmac('sha256', key).update(`${uid}.${journeyId}`).digest('base64url');
  return {
    issue,
    verify(uid, journeyId, given) {
      const expected = Buffer.from(issue(uid, journeyId));
      const actual = Buffer.from(given ?? '');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
