import type { Callback } from '@waymark/sdk';
import { extendedControls, redirectControl } from './callback-controls.js';
import { escapeHtml } from './html.js';

function output(cb: Callback, name: string): unknown {
  return cb.output.find((f) => f.name === name)?.value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function choices(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : [];
}

/* autocomplete tokens (HTML §4.10.18.7.1) let password managers and OTP autofill help. */
function autocompleteOf(cb: Callback): string {
  switch (cb.type) {
    case 'NameCallback':
      return 'username';
    case 'PasswordCallback':
      return 'current-password';
    case 'TextInputCallback':
      return 'one-time-code';
    default:
      return 'off';
  }
}

/** One callback as accessible form controls; each input is named after its field (`IDToken1`…). */
function controls(cb: Callback, first: boolean): string {
  const field = cb.input[0];
  const name = escapeHtml(field?.name ?? '');
  const prompt = text(output(cb, 'prompt'));
  const focus = first ? ' autofocus' : '';
  const extended = extendedControls(cb, focus);
  if (extended !== undefined) return extended;
  switch (cb.type) {
    case 'HiddenValueCallback':
      return field ? `<input type="hidden" name="${name}" value="${escapeHtml(text(field.value))}">` : '';
    case 'ChoiceCallback': {
      if (!field) return '';
      const selected = text(field.value);
      const items = choices(output(cb, 'choices')).map(
        (label, i) =>
          `<p><input type="radio" id="${name}-${i}" name="${name}" value="${i}"${String(i) === selected ? ' checked' : ''}${i === 0 ? focus : ''}> <label for="${name}-${i}">${escapeHtml(label)}</label></p>`,
      );
      return `<fieldset><legend>${escapeHtml(prompt || 'Choose one')}</legend>\n${items.join('\n')}\n</fieldset>`;
    }
    case 'ConfirmationCallback': {
      if (!field) return '';
      // One submit button per option: the button pressed carries the answer.
      const buttons = choices(output(cb, 'options')).map(
        (label, i) => `<button type="submit" name="${name}" value="${i}">${escapeHtml(label)}</button>`,
      );
      return `${prompt ? `<p>${escapeHtml(prompt)}</p>\n` : ''}<p class="actions">${buttons.join(' ')}</p>`;
    }
    default: {
      if (!field) return '';
      const password = cb.type === 'PasswordCallback';
      const otp = cb.type === 'TextInputCallback';
      const type = password ? 'password' : 'text';
      const extra = otp ? ' inputmode="numeric"' : '';
      const value = password ? '' : text(field.value);
      return `<p><label for="${name}">${escapeHtml(prompt || field.name)}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocompleteOf(cb)}" required${extra}${value ? ` value="${escapeHtml(value)}"` : ''}${focus}></p>`;
    }
  }
}

export interface CallbackFormInput {
  /** Where the form posts (same origin). */
  action: string;
  callbacks: readonly Callback[];
  /** The step's description (a page's), shown above the form. */
  description?: string;
  /** Hidden fields the host adds (journey id, CSRF token). */
  hidden: Readonly<Record<string, string>>;
}

/** Callbacks that show something but take no answer: they never get the focus. */
const PASSIVE = new Set(['TextOutputCallback', 'HiddenValueCallback', 'PollingWaitCallback', 'RedirectCallback']);

/**
 * The one form of a suspended step. A step that asks a ConfirmationCallback is answered by its
 * buttons; any other step gets a "Continue" button. Inputs are named after the callback fields
 * (`IDToken1`…), which `formToCallbacks` maps back. A RedirectCallback's link or form comes
 * after the step's form (forms do not nest); a POST one needs its origin in the page's CSP
 * `form-action` (`redirectFormOrigins`).
 *
 * @example
 * callbackForm({ action: '/authorize/continue', callbacks: result.callbacks, hidden: { journeyId, csrf } });
 */
export function callbackForm(input: CallbackFormInput): string {
  let first = true;
  const parts: string[] = [];
  for (const cb of input.callbacks) {
    const interactive = !PASSIVE.has(cb.type);
    parts.push(controls(cb, interactive && first));
    if (interactive) first = false;
  }
  const hidden = Object.entries(input.hidden).map(
    ([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
  );
  const confirm = input.callbacks.some((cb) => cb.type === 'ConfirmationCallback');
  const redirects = input.callbacks.filter((cb) => cb.type === 'RedirectCallback').map(redirectControl);
  const description = input.description ? `<p class="description">${escapeHtml(input.description)}</p>\n` : '';
  return `${description}<form method="post" action="${escapeHtml(input.action)}">
${parts.filter(Boolean).join('\n')}
${hidden.join('\n')}
${confirm ? '' : '<p class="actions"><button type="submit">Continue</button></p>\n'}</form>${redirects.length ? `\n${redirects.join('\n')}` : ''}`;
}
