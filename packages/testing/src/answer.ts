import { WaymarkError, type Callback } from '@waymark/sdk';
import { TESTING_ERRORS } from './errors.js';

/** A value a user types or picks: what a callback input may carry. */
export type AnswerValue = string | number | boolean | null;

/**
 * Fills the inputs of the callbacks a node (or a suspended journey) asked for, the way a user
 * would: one answer per callback that takes input, in order (a `TextOutputCallback` takes none
 * and is skipped). An array answers a callback with several inputs, one value per input.
 * Throws `ERR_TESTING_ANSWER` when the count does not match, naming what was asked.
 *
 * @example
 * const r = await runNode(collect);
 * const again = await runNode(collect, { submit: answerCallbacks(r.callbacks!, ['ada', 'secret']) });
 */
export function answerCallbacks(callbacks: readonly Callback[], answers: readonly (AnswerValue | readonly AnswerValue[])[]): Callback[] {
  const asking = callbacks.filter((cb) => cb.input.length > 0);
  if (asking.length !== answers.length)
    throw new WaymarkError(
      TESTING_ERRORS.ERR_TESTING_ANSWER,
      `${answers.length} answer(s) given, but the step asks ${asking.length}: ${asking.map((cb) => cb.type).join(', ') || 'nothing'} (callbacks without input, such as TextOutputCallback, take no answer)`,
      { asked: asking.map((cb) => cb.type) },
    );
  let next = 0;
  return callbacks.map((cb) => {
    if (cb.input.length === 0) return { type: cb.type, output: cb.output, input: [] };
    const answer = answers[next++];
    const values: readonly (AnswerValue | undefined)[] = Array.isArray(answer) ? answer : [answer as AnswerValue];
    return { type: cb.type, output: cb.output, input: cb.input.map((field, i) => ({ name: field.name, value: values[i] ?? field.value })) };
  });
}
