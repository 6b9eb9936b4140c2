/**
 * The suspend contract, in the shape of ForgeRock AM / PingOne AIC `/json/authenticate`
 * callbacks so existing SDKs understand it.
 */
export type CallbackType =
  | 'NameCallback'
  | 'PasswordCallback'
  | 'TextOutputCallback'
  | 'ChoiceCallback'
  | 'HiddenValueCallback'
  | 'ConfirmationCallback'
  | 'TextInputCallback'
  | (string & {});

export interface CallbackField {
  name: string;
  value: unknown;
}

/** One callback: what the node shows (`output`) and what it asks back (`input`). */
export interface Callback {
  type: CallbackType;
  output: CallbackField[];
  input: CallbackField[];
}

/** Reads the submitted value of the input field `IDToken<n>` (or any field name) of a callback. */
export function inputValue(callback: Callback | undefined, index = 0): unknown {
  return callback?.input[index]?.value;
}

/** Reads the value of a named output field. */
export function outputValue(callback: Callback | undefined, name: string): unknown {
  return callback?.output.find((f) => f.name === name)?.value;
}

/**
 * Callback builders. Input names follow AIC: `IDToken1`, `IDToken2`, … in callback order; the
 * engine renumbers them when it sends the step, so builders use a placeholder.
 *
 * @example
 * return ctx.suspend([callbacks.name('User Name'), callbacks.password('Password')]);
 */
export const callbacks = {
  name(prompt: string, value = ''): Callback {
    return { type: 'NameCallback', output: [{ name: 'prompt', value: prompt }], input: [{ name: 'IDToken', value }] };
  },
  password(prompt: string): Callback {
    return { type: 'PasswordCallback', output: [{ name: 'prompt', value: prompt }], input: [{ name: 'IDToken', value: '' }] };
  },
  text(prompt: string, value = ''): Callback {
    return { type: 'TextInputCallback', output: [{ name: 'prompt', value: prompt }], input: [{ name: 'IDToken', value }] };
  },
  /** `messageType`: 0 information, 1 warning, 2 error (AIC). */
  textOutput(message: string, messageType: 0 | 1 | 2 = 0): Callback {
    return {
      type: 'TextOutputCallback',
      output: [
        { name: 'message', value: message },
        { name: 'messageType', value: String(messageType) },
      ],
      input: [],
    };
  },
  choice(prompt: string, choices: string[], defaultChoice = 0): Callback {
    return {
      type: 'ChoiceCallback',
      output: [
        { name: 'prompt', value: prompt },
        { name: 'choices', value: choices },
        { name: 'defaultChoice', value: defaultChoice },
      ],
      input: [{ name: 'IDToken', value: defaultChoice }],
    };
  },
  confirmation(prompt: string, options: string[], defaultOption = 0): Callback {
    return {
      type: 'ConfirmationCallback',
      output: [
        { name: 'prompt', value: prompt },
        { name: 'messageType', value: 0 },
        { name: 'options', value: options },
        { name: 'optionType', value: -1 },
        { name: 'defaultOption', value: defaultOption },
      ],
      input: [{ name: 'IDToken', value: defaultOption }],
    };
  },
  hidden(id: string, value: string): Callback {
    return { type: 'HiddenValueCallback', output: [{ name: 'id', value: id }, { name: 'value', value }], input: [{ name: 'IDToken', value }] };
  },
} as const;
