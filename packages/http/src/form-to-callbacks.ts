import type { Callback, CallbackField } from '@waymark/sdk';

/* Checkboxes: an unchecked box is not posted, so absence means false for these. */
const BOOLEAN_CALLBACKS: ReadonlySet<string> = new Set(['BooleanAttributeInputCallback', 'TermsAndConditionsCallback']);
/* Attribute inputs are always on the form: absence means the user left the field empty. */
const EMPTY_WHEN_ABSENT: Readonly<Record<string, CallbackField['value']>> = {
  StringAttributeInputCallback: '',
  NumberAttributeInputCallback: null,
};
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** The typed value a posted field stands for, given the callback it answers. */
function typed(cb: Callback, field: CallbackField, posted: string | undefined): CallbackField['value'] {
  if (BOOLEAN_CALLBACKS.has(cb.type)) {
    if (posted === undefined || posted === 'false') return false;
    return posted === 'true' ? true : posted; // anything else: the node refuses it
  }
  if (posted === undefined) return cb.type in EMPTY_WHEN_ABSENT ? EMPTY_WHEN_ABSENT[cb.type] : field.value;
  if (cb.type === 'NumberAttributeInputCallback') {
    const n = Number(posted.trim());
    return NUMBER.test(posted.trim()) && Number.isFinite(n) ? n : posted;
  }
  if (typeof field.value === 'number' && /^-?\d{1,6}$/.test(posted)) return Number(posted);
  return posted;
}

/**
 * Maps a posted form back onto the callbacks a journey waits for: each input named
 * `IDToken1`, `IDToken2_1`… (the names `callbackForm` gives its inputs) takes the field of the
 * same name, typed as its callback asks: numbers stay numbers for choice and confirmation
 * answers and a number attribute; a checkbox (boolean attribute, terms and conditions) is
 * `true` when posted and `false` when not; an attribute field not posted was left empty (`''`,
 * or `null` for a number); any other field not posted keeps its value. Fields the step did not
 * ask for are ignored.
 *
 * @example
 * const callbacks = formToCallbacks(pending.callbacks, { IDToken1: 'alice', IDToken2: 'secret' });
 * await engine.resume(journeyId, { callbacks, request });
 */
export function formToCallbacks(pending: readonly Callback[], form: Readonly<Record<string, string>>): Callback[] {
  return pending.map((cb) => ({
    type: cb.type,
    output: cb.output,
    input: cb.input.map((field) => ({ name: field.name, value: typed(cb, field, form[field.name]) })),
  }));
}
