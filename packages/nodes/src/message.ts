import { callbacks, defineNode, inputValue, type Callback } from '@waymark/sdk';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';
const MESSAGE_TYPES = { info: 0, warning: 1, error: 2 } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  // In allOf so the config type is inferred from `properties` (FromSchema reads a top-level anyOf).
  allOf: [{ anyOf: [{ required: ['message'] }, { required: ['messageFrom'] }] }],
  properties: {
    /** The text shown (plain text: renderers escape it). */
    message: { type: 'string', minLength: 1, maxLength: 2000, description: 'Text shown to the user.' },
    /** State key whose string value is shown instead of `message` when present. */
    messageFrom: { type: 'string', minLength: 1, description: 'State key with the text (falls back to message).' },
    /** Severity, as AIC's TextOutputCallback messageType. */
    messageType: { type: 'string', enum: ['info', 'warning', 'error'], default: 'info', description: 'info, warning or error.' },
    /** Choices; each is an outcome name, or { outcome, label }. Without options the node has one outcome, `shown`. */
    options: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      description: 'Choices: outcome names or { outcome, label }.',
      items: {
        oneOf: [
          { type: 'string', pattern: OUTCOME },
          {
            type: 'object',
            additionalProperties: false,
            required: ['outcome'],
            properties: { outcome: { type: 'string', pattern: OUTCOME }, label: { type: 'string', minLength: 1, maxLength: 200 } },
          },
        ],
      },
    },
    /** Index of the option preselected. */
    defaultOption: { type: 'integer', minimum: 0, default: 0, description: 'Index of the preselected option.' },
  },
} as const;

type OptionConfig = string | { outcome: string; label?: string };

function optionsOf(config: { options?: unknown }): { outcome: string; label: string }[] {
  const list = Array.isArray(config.options) ? (config.options as OptionConfig[]) : [];
  return list.map((o) => (typeof o === 'string' ? { outcome: o, label: o } : { outcome: o.outcome, label: o.label ?? o.outcome }));
}

function chosenIndex(submitted: Callback[] | undefined): number | undefined {
  const confirmation = submitted?.find((c) => c.type === 'ConfirmationCallback');
  const value = inputValue(confirmation);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[0-9]{1,2}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * `message` — shows a message (TextOutputCallback) and, with `options`, asks the user to pick
 * one (ConfirmationCallback). The first run suspends; the resume reads the choice. Without
 * options the outcome is `shown` once the user continues; with options it is the chosen
 * option's outcome. A submission without a valid choice asks again.
 *
 * Outcomes: `shown`, or one per option (a function of the config).
 *
 * @example
 * { "type": "message",
 *   "config": { "message": "Stay signed in on this device?", "options": [{ "outcome": "remember", "label": "Yes" }, { "outcome": "skip", "label": "Not now" }] },
 *   "outcomes": { "remember": "setCookie", "skip": "success" } }
 */
export const message = defineNode({
  type: 'message',
  version: 1,
  description: 'Shows a message and optionally lets the user choose among options.',
  callbacks: ['TextOutputCallback', 'ConfirmationCallback'],
  config: schema,
  outcomes: (config) => {
    const options = optionsOf(config);
    return options.length === 0 ? ['shown'] : [...new Set(options.map((o) => o.outcome))];
  },
  run(ctx, config) {
    const fromState = config.messageFrom === undefined ? undefined : ctx.state[config.messageFrom];
    const text = typeof fromState === 'string' && fromState !== '' ? fromState : (config.message ?? '');
    const options = optionsOf(config);
    const asked: Callback[] = [callbacks.textOutput(text, MESSAGE_TYPES[config.messageType])];
    if (options.length > 0)
      asked.push(callbacks.confirmation('', options.map((o) => o.label), Math.min(config.defaultOption, options.length - 1)));
    if (ctx.callbacks === undefined) return ctx.suspend(asked);
    if (options.length === 0) return 'shown';
    const index = chosenIndex(ctx.callbacks);
    const chosen = index === undefined ? undefined : options[index];
    return chosen ? chosen.outcome : ctx.suspend(asked);
  },
});
