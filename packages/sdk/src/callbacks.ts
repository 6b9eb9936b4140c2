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
  | 'StringAttributeInputCallback'
  | 'NumberAttributeInputCallback'
  | 'BooleanAttributeInputCallback'
  | 'TermsAndConditionsCallback'
  | 'PollingWaitCallback'
  | 'RedirectCallback'
  | 'SelectIdPCallback'
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
  /**
   * An attribute of the user's profile to enter (AIC `StringAttributeInputCallback`): `name` is
   * the attribute (`mail`), `failedPolicies` the reasons the last value was refused.
   */
  stringAttribute(name: string, prompt: string, options: AttributeOptions<string> = {}): Callback {
    return attributeCallback('StringAttributeInputCallback', name, prompt, options.value ?? '', options);
  },
  numberAttribute(name: string, prompt: string, options: AttributeOptions<number | null> = {}): Callback {
    return attributeCallback('NumberAttributeInputCallback', name, prompt, options.value ?? null, options);
  },
  booleanAttribute(name: string, prompt: string, options: AttributeOptions<boolean> = {}): Callback {
    return attributeCallback('BooleanAttributeInputCallback', name, prompt, options.value ?? false, options);
  },
  /** Terms to accept (AIC `TermsAndConditionsCallback`); the input is `true` once accepted. */
  termsAndConditions(terms: string, version: string, createDate = ''): Callback {
    return {
      type: 'TermsAndConditionsCallback',
      output: [
        { name: 'version', value: version },
        { name: 'terms', value: terms },
        { name: 'createDate', value: createDate },
      ],
      input: [{ name: 'IDToken', value: false }],
    };
  },
  /** Asks the client to wait `waitTimeMs` and submit again (AIC `PollingWaitCallback`); no input. */
  pollingWait(waitTimeMs: number, message: string): Callback {
    return {
      type: 'PollingWaitCallback',
      output: [
        { name: 'waitTime', value: String(waitTimeMs) },
        { name: 'message', value: message },
      ],
      input: [],
    };
  },
  /** Sends the browser to `url` (AIC `RedirectCallback`); `method` GET or POST with `data` as the form. */
  redirect(url: string, method: 'GET' | 'POST' = 'GET', data: Record<string, string> = {}): Callback {
    return {
      type: 'RedirectCallback',
      output: [
        { name: 'redirectUrl', value: url },
        { name: 'redirectMethod', value: method },
        { name: 'redirectData', value: data },
        { name: 'trackingCookie', value: false },
      ],
      input: [],
    };
  },
  /** Lets the user pick an identity provider (AIC `SelectIdPCallback`); the input is the provider's name. */
  selectIdp(providers: readonly { provider: string; uiConfig?: Record<string, string> }[], value = ''): Callback {
    return {
      type: 'SelectIdPCallback',
      output: [
        { name: 'providers', value: providers.map((p) => ({ provider: p.provider, uiConfig: p.uiConfig ?? {} })) },
        { name: 'value', value },
      ],
      input: [{ name: 'IDToken', value }],
    };
  },
} as const;

/** Options of the attribute input callbacks. */
export interface AttributeOptions<V> {
  value?: V;
  required?: boolean;
  /** Policies the value must meet, as AIC lists them (shown to the user, checked by the node). */
  policies?: Record<string, unknown>;
  /** Why the last submitted value was refused (AIC's `failedPolicies`: JSON strings). */
  failedPolicies?: readonly string[];
}

function attributeCallback(type: CallbackType, name: string, prompt: string, value: unknown, options: AttributeOptions<unknown>): Callback {
  return {
    type,
    output: [
      { name: 'name', value: name },
      { name: 'prompt', value: prompt },
      { name: 'required', value: options.required ?? false },
      { name: 'policies', value: options.policies ?? {} },
      { name: 'failedPolicies', value: [...(options.failedPolicies ?? [])] },
      { name: 'validateOnly', value: false },
      { name: 'value', value: value as CallbackField['value'] },
    ],
    input: [{ name: 'IDToken', value: value as CallbackField['value'] }],
  };
}
