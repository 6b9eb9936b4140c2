import { WaymarkError, type Callback } from '@waymark/sdk';
import { CORE_ERRORS } from '../errors.js';

const SCALAR = ['string', 'number', 'boolean'];

/**
 * The callbacks a resume runs the suspended node with: the callbacks the journey asked for
 * (types and outputs from the stored record) with only the input values taken from the
 * submission. A client cannot rewrite what the node showed. Throws ERR_SUBMISSION_INVALID,
 * naming the callback and input, when the submission does not answer what was asked.
 */
export function applySubmission(pending: Callback[], submitted: unknown, maxInputLength: number): Callback[] {
  const invalid = (message: string) => new WaymarkError(CORE_ERRORS.ERR_SUBMISSION_INVALID, message, {});
  if (!Array.isArray(submitted) || submitted.length !== pending.length)
    throw invalid(`submit exactly the ${pending.length} callback(s) this step asked for, in order`);
  return pending.map((callback, i) => {
    const answer = submitted[i] as { type?: unknown; input?: unknown } | null;
    if (!answer || typeof answer !== 'object' || answer.type !== callback.type)
      throw invalid(`callbacks[${i}] must be the ${callback.type} this step asked for`);
    const inputs = Array.isArray(answer.input) ? (answer.input as { name?: unknown; value?: unknown }[]) : [];
    return {
      type: callback.type,
      output: callback.output,
      input: callback.input.map((field, j) => {
        const given = inputs.find((f) => f?.name === field.name) ?? inputs[j];
        const value = given?.value ?? field.value;
        if (value !== null && !SCALAR.includes(typeof value))
          throw invalid(`callbacks[${i}].input[${j}].value must be a string, number or boolean`);
        if (typeof value === 'string' && value.length > maxInputLength)
          throw invalid(`callbacks[${i}].input[${j}].value is longer than ${maxInputLength} characters`);
        return { name: field.name, value };
      }),
    };
  });
}
