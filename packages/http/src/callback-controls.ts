import type { Callback } from '@waymark/sdk';
import { escapeHtml as esc } from './html.js';

/*
 * The form controls of the callbacks AIC exports use beyond name and password: attribute
 * inputs (string, number, boolean), terms and conditions, polling wait, redirect, identity
 * provider choice, and text output with its type. Escaped text only, no script, no inline style
 * (the pages' CSP has neither); every input has a label, and a refused value's reasons
 * (`failedPolicies`) are tied to the input with aria-describedby.
 */

/** A named output field's value. */
export function outputOf(cb: Callback, name: string): unknown {
  return cb.output.find((f) => f.name === name)?.value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/* Autocomplete tokens (HTML §4.10.18.7.1) for the usual directory attributes. */
const ATTRIBUTE_AUTOCOMPLETE: Readonly<Record<string, string>> = {
  mail: 'email',
  email: 'email',
  givenName: 'given-name',
  sn: 'family-name',
  cn: 'name',
  telephoneNumber: 'tel',
  postalCode: 'postal-code',
  country: 'country-name',
  preferredLanguage: 'language',
};

/** Readable sentences for AIC's policy requirements (IDM's names); anything else is shown as given. */
function policySentence(requirement: string, params: Record<string, unknown>): string {
  switch (requirement) {
    case 'REQUIRED':
      return 'This field is required.';
    case 'VALID_EMAIL_ADDRESS_FORMAT':
      return 'Enter a valid email address.';
    case 'MIN_LENGTH':
      return `Use at least ${text(params['minLength'])} characters.`;
    case 'MAX_LENGTH':
      return `Use at most ${text(params['maxLength'])} characters.`;
    case 'MATCH_REGEXP':
    case 'VALID_PATTERN':
      return 'The value does not have the expected format.';
    case 'VALID_NUMBER':
    case 'VALID_TYPE':
      return 'Enter a value of the right type.';
    case 'MINIMUM':
      return `Enter at least ${text(params['minimum'])}.`;
    case 'MAXIMUM':
      return `Enter at most ${text(params['maximum'])}.`;
    case 'UNIQUE':
      return 'This value is already taken.';
    default:
      return requirement;
  }
}

/**
 * Why the last value was refused: AIC's `failedPolicies` are JSON strings
 * (`{"policyRequirement":"MIN_LENGTH","params":{"minLength":8}}`); a plain string is shown as is.
 */
export function failedPolicyMessages(cb: Callback): string[] {
  const failed = outputOf(cb, 'failedPolicies');
  if (!Array.isArray(failed)) return [];
  return failed.map((entry: unknown) => {
    let value: unknown = entry;
    if (typeof entry === 'string' && entry.startsWith('{')) {
      try {
        value = JSON.parse(entry);
      } catch {
        return entry;
      }
    }
    if (value !== null && typeof value === 'object' && typeof (value as { policyRequirement?: unknown }).policyRequirement === 'string') {
      const policy = value as { policyRequirement: string; params?: unknown };
      const params = policy.params !== null && typeof policy.params === 'object' ? (policy.params as Record<string, unknown>) : {};
      return policySentence(policy.policyRequirement, params);
    }
    return text(value);
  });
}

/** The error paragraph of a refused input and the attributes that tie it to the input. */
function errorsOf(cb: Callback, id: string): { html: string; attrs: string } {
  const messages = failedPolicyMessages(cb);
  if (messages.length === 0) return { html: '', attrs: '' };
  return {
    html: `\n<span id="${id}-error" class="error">${messages.map(esc).join(' ')}</span>`,
    attrs: ` aria-invalid="true" aria-describedby="${id}-error"`,
  };
}

/** `messageType` of a TextOutputCallback: 0 information, 1 warning, 2 error, 4 script (AIC). */
function textOutput(cb: Callback): string {
  const type = text(outputOf(cb, 'messageType'));
  // AIC's type 4 is a script for its own UI to run: Waymark's pages never run one, so it shows nothing.
  if (type === '4') return '';
  const message = esc(text(outputOf(cb, 'message')));
  if (type === '2') return `<p role="alert" class="error">${message}</p>`;
  if (type === '1') return `<p role="alert" class="warning">${message}</p>`;
  return `<p role="status">${message}</p>`;
}

function attributeInput(cb: Callback, focus: string): string {
  const field = cb.input[0];
  if (!field) return '';
  const name = esc(field.name);
  const attribute = text(outputOf(cb, 'name'));
  const label = esc(text(outputOf(cb, 'prompt')) || attribute || field.name);
  const required = outputOf(cb, 'required') === true ? ' required' : '';
  const { html: error, attrs } = errorsOf(cb, name);
  if (cb.type === 'BooleanAttributeInputCallback') {
    const checked = field.value === true || field.value === 'true' ? ' checked' : '';
    return `<p><input id="${name}" name="${name}" type="checkbox" value="true"${checked}${required}${attrs}${focus}> <label for="${name}">${label}</label>${error}</p>`;
  }
  if (cb.type === 'NumberAttributeInputCallback') {
    const value = typeof field.value === 'number' || typeof field.value === 'string' ? text(field.value) : '';
    return `<p><label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="number" step="any" inputmode="decimal"${value ? ` value="${esc(value)}"` : ''}${required}${attrs}${focus}>${error}</p>`;
  }
  const autocomplete = ATTRIBUTE_AUTOCOMPLETE[attribute] ?? 'off';
  const type = autocomplete === 'email' ? 'email' : autocomplete === 'tel' ? 'tel' : 'text';
  const value = text(field.value);
  return `<p><label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}"${value ? ` value="${esc(value)}"` : ''}${required}${attrs}${focus}>${error}</p>`;
}

function termsAndConditions(cb: Callback, focus: string): string {
  const field = cb.input[0];
  if (!field) return '';
  const name = esc(field.name);
  const version = text(outputOf(cb, 'version'));
  const checked = field.value === true || field.value === 'true' ? ' checked' : '';
  return `<section class="terms" aria-labelledby="${name}-title">
<h2 id="${name}-title">Terms and conditions${version ? ` (version ${esc(version)})` : ''}</h2>
<div id="${name}-terms" class="terms-text">${esc(text(outputOf(cb, 'terms')))}</div>
<p><input id="${name}" name="${name}" type="checkbox" value="true" required aria-describedby="${name}-terms"${checked}${focus}> <label for="${name}">I accept the terms and conditions</label></p>
</section>`;
}

function pollingWait(cb: Callback): string {
  const ms = Number(text(outputOf(cb, 'waitTime')));
  const seconds = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 0;
  const message = text(outputOf(cb, 'message')) || 'Please wait.';
  // No script and no refresh: the page's CSP allows no script, and a refresh could only GET
  // this page, not answer the step. The user continues when the wait is over.
  return `<p role="status">${esc(message)}</p>${seconds ? `\n<p>Continue in about ${seconds} second${seconds === 1 ? '' : 's'}.</p>` : ''}`;
}

function selectIdp(cb: Callback, focus: string): string {
  const field = cb.input[0];
  if (!field) return '';
  const name = esc(field.name);
  const providers = outputOf(cb, 'providers');
  const list = Array.isArray(providers) ? (providers as unknown[]) : [];
  const selected = text(field.value);
  const items = list
    .map((p) => (p !== null && typeof p === 'object' ? (p as { provider?: unknown; uiConfig?: unknown }) : { provider: p }))
    .filter((p) => typeof p.provider === 'string' && p.provider !== '')
    .map((p, i) => {
      const ui = p.uiConfig !== null && typeof p.uiConfig === 'object' ? (p.uiConfig as Record<string, unknown>) : {};
      const label = text(ui['buttonDisplayName']) || text(p.provider);
      const value = esc(p.provider);
      return `<p><input type="radio" id="${name}-${i}" name="${name}" value="${value}"${text(p.provider) === selected ? ' checked' : ''}${i === 0 ? ` required${focus}` : ''}> <label for="${name}-${i}">${esc(label)}</label></p>`;
    });
  return `<fieldset><legend>Sign in with</legend>\n${items.join('\n')}\n</fieldset>`;
}

/** A redirect's target, when it is an http(s) URL (a `javascript:` one is never rendered). */
function redirectTarget(cb: Callback): URL | undefined {
  const url = text(outputOf(cb, 'redirectUrl'));
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
}

/**
 * The origins a step's POST redirects submit to: the page's CSP must list them in
 * `form-action`, or the browser blocks the form.
 */
export function redirectFormOrigins(list: readonly Callback[]): string[] {
  const origins = new Set<string>();
  for (const cb of list) {
    if (cb.type !== 'RedirectCallback' || text(outputOf(cb, 'redirectMethod')).toUpperCase() !== 'POST') continue;
    const target = redirectTarget(cb);
    if (target) origins.add(target.origin);
  }
  return [...origins];
}

/**
 * A RedirectCallback as the CSP allows it without script: a link for GET, its own form (the
 * `redirectData` as hidden fields, a button to send it) for POST. Rendered outside the step's
 * form (forms do not nest).
 */
export function redirectControl(cb: Callback): string {
  const target = redirectTarget(cb);
  if (!target) return '<p role="alert" class="error">This step sends you to an address that cannot be opened.</p>';
  const href = esc(target.href);
  if (text(outputOf(cb, 'redirectMethod')).toUpperCase() !== 'POST')
    return `<p class="actions"><a href="${href}" rel="noreferrer">Continue to ${esc(target.host)}</a></p>`;
  const data = outputOf(cb, 'redirectData');
  const fields =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? Object.entries(data as Record<string, unknown>).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(text(v))}">`)
      : [];
  return `<form method="post" action="${href}">
${fields.join('\n')}${fields.length ? '\n' : ''}<p class="actions"><button type="submit">Continue to ${esc(target.host)}</button></p>
</form>`;
}

/** The controls of one of these callbacks, or undefined when `cb` is another type. */
export function extendedControls(cb: Callback, focus: string): string | undefined {
  switch (cb.type) {
    case 'TextOutputCallback':
      return textOutput(cb);
    case 'StringAttributeInputCallback':
    case 'NumberAttributeInputCallback':
    case 'BooleanAttributeInputCallback':
      return attributeInput(cb, focus);
    case 'TermsAndConditionsCallback':
      return termsAndConditions(cb, focus);
    case 'PollingWaitCallback':
      return pollingWait(cb);
    case 'SelectIdPCallback':
      return selectIdp(cb, focus);
    case 'RedirectCallback':
      return ''; // its own form or link, after the step's form (redirectControl)
    default:
      return undefined;
  }
}
