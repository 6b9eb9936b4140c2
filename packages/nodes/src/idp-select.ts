import { callbacks, defineNode, inputValue } from '@waymark/sdk';

const OUTCOME = '^[A-Za-z][A-Za-z0-9_-]*$';

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['providers'],
  properties: {
    providers: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      description: 'The providers offered, in order: { provider, label }; each provider name is an outcome.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['provider'],
        properties: {
          provider: { type: 'string', pattern: OUTCOME, maxLength: 64, description: 'The provider name (the outcome).' },
          label: { type: 'string', minLength: 1, maxLength: 200, description: 'The button text (AIC buttonDisplayName).' },
        },
      },
    },
  },
} as const;

/**
 * `idp.select` — lets the user choose an identity provider (AIC's SelectIdPCallback); the
 * chosen provider's name is the outcome, and `state.selectedIdp`. A submission naming no offered
 * provider asks again.
 *
 * Outcomes: one per provider (a function of the config).
 *
 * @example
 * { "type": "idp.select",
 *   "config": { "providers": [{ "provider": "google", "label": "Google" }, { "provider": "local", "label": "Username and password" }] },
 *   "outcomes": { "google": "toGoogle", "local": "login" } }
 */
export const idpSelect = defineNode({
  type: 'idp.select',
  version: 1,
  description: 'Lets the user choose an identity provider; each provider is an outcome.',
  callbacks: ['SelectIdPCallback'],
  config,
  outcomes: (c) => [...new Set(c.providers.map((p) => p.provider))],
  run(ctx, c) {
    const chosen = inputValue(ctx.callbacks?.find((cb) => cb.type === 'SelectIdPCallback'));
    const provider = c.providers.find((p) => p.provider === chosen);
    if (provider) {
      ctx.state.selectedIdp = provider.provider;
      return provider.provider;
    }
    return ctx.suspend([
      callbacks.selectIdp(
        c.providers.map((p) => ({
          provider: p.provider,
          uiConfig: p.label === undefined ? {} : ({ buttonDisplayName: p.label } as Record<string, string>),
        })),
      ),
    ]);
  },
});
