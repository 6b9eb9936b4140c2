import type { Callback } from '@waymark/sdk';

/**
 * Maps a posted form back onto the callbacks a journey waits for: each input named
 * `IDToken1`, `IDToken2_1`… (the names `callbackForm` gives its inputs) takes the field of the
 * same name (numbers stay numbers for choice and confirmation answers); a field not posted
 * keeps its value. Fields the step did not ask for are ignored.
 *
 * @example
 * const callbacks = formToCallbacks(pending.callbacks, { IDToken1: 'alice', IDToken2: 'secret' });
 * await engine.resume(journeyId, { callbacks, request });
 */
export function formToCallbacks(pending: readonly Callback[], form: Readonly<Record<string, string>>): Callback[] {
  return pending.map((cb) => ({
    type: cb.type,
    output: cb.output,
    input: cb.input.map((field) => {
      const posted = form[field.name];
      if (posted === undefined) return { name: field.name, value: field.value };
      if (typeof field.value === 'number' && /^-?\d{1,6}$/.test(posted)) return { name: field.name, value: Number(posted) };
      return { name: field.name, value: posted };
    }),
  }));
}
