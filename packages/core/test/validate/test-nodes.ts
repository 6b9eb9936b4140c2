import { defineNode } from '@waymark/sdk';
import { NodeRegistry } from '@waymark/core';

/** Node types for validation tests; they never run, so `run` only returns an outcome. */
export const check = defineNode({
  type: 'test.check',
  version: 2,
  description: 'Checks a token against an issuer.',
  config: {
    type: 'object',
    additionalProperties: false,
    required: ['issuer'],
    properties: {
      issuer: { type: 'string', format: 'uri', description: 'The issuer URL, such as "https://as.example".' },
      leeway: { type: 'integer', minimum: 0, default: 30 },
    },
  } as const,
  outcomes: ['valid', 'invalid'],
  run: () => 'valid',
});

export const gate = defineNode({
  type: 'test.gate',
  version: 1,
  description: 'Lets a journey pass or blocks it.',
  outcomes: ['pass', 'block'],
  run: () => 'pass',
});

export const choose = defineNode({
  type: 'test.choose',
  version: 1,
  description: 'Offers a choice; each option is an outcome.',
  config: {
    type: 'object',
    additionalProperties: false,
    properties: { options: { type: 'array', items: { type: 'string' }, minItems: 1, default: ['a', 'b'] } },
  } as const,
  outcomes: (config) => config.options,
  run: () => 'a',
});

export const page = defineNode({
  type: 'test.page',
  version: 1,
  description: 'Shows a page.',
  config: { type: 'object', additionalProperties: false, properties: { title: { type: 'string', default: 'Hello' } } } as const,
  outcomes: ['next'],
  run: () => 'next',
});

export function testRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  registry.registerAll([check, gate, choose, page] as never[], 'test');
  return registry;
}
