/** The walk-through of packages/sdk/README.md, as written there: if this breaks, fix the README too. */
import { describe, expect, it } from '@jest/globals';
import { createEngine } from '@waymark/core';
import { defineNode, type Plugin } from '@waymark/sdk';
import { runFlow, runNode, testNodeConfigs } from '@waymark/testing';

const config = {
  type: 'object',
  additionalProperties: false,
  required: ['countries'],
  properties: {
    countries: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2}$' }, minItems: 1, description: 'ISO 3166 codes let through.' },
    header: { type: 'string', default: 'cf-ipcountry', description: 'The header the edge puts the country in.' },
  },
} as const;

const geofence = defineNode({
  type: 'acme.geofence',
  version: 1,
  description: 'Lets the journey through when the request comes from one of the configured countries.',
  config,
  outcomes: ['inside', 'outside', 'unknown'],
  run(ctx, { countries, header }) {
    const country = ctx.request.headers[header];
    if (country === undefined) return 'unknown';
    ctx.state.country = country;
    return countries.includes(country) ? 'inside' : { outcome: 'outside', reason: country };
  },
});

export const nodes: Plugin['nodes'] = [geofence];

describe('acme.geofence (README walk-through)', () => {
  it('answers inside for a listed country', async () => {
    const r = await runNode(geofence, { config: { countries: ['FR'] }, request: { headers: { 'cf-ipcountry': 'FR' } } });
    expect(r.outcome).toBe('inside');
    expect(r.state.country).toBe('FR');
  });
  it('answers outside with the country as the reason', async () => {
    const r = await runNode(geofence, { config: { countries: ['FR'] }, request: { headers: { 'cf-ipcountry': 'US' } } });
    expect(r).toMatchObject({ outcome: 'outside', reason: 'US' });
  });
  it('answers unknown without the header', async () => {
    expect((await runNode(geofence, { config: { countries: ['FR'] } })).outcome).toBe('unknown');
  });
  it('lets a French request through the gate flow', async () => {
    const flow = {
      id: 'gate',
      version: 1,
      description: 'Geofenced.',
      start: 'fence',
      nodes: {
        fence: {
          type: 'acme.geofence',
          config: { countries: ['FR'] },
          outcomes: { inside: 'success', outside: 'failure', unknown: 'failure' },
        },
      },
    };
    const run = await runFlow(flow, [], { nodes: [geofence], request: { headers: { 'cf-ipcountry': 'FR' } } });
    expect(run).toMatchObject({ status: 'success', path: ['fence'], outcomes: ['inside'] });
  });
  it('refuses a flow whose config the schema refuses, naming the pointer', async () => {
    const engine = await createEngine({ nodes });
    const flow = {
      id: 'gate',
      version: 1,
      description: 'Geofenced.',
      start: 'fence',
      nodes: {
        fence: {
          type: 'acme.geofence',
          config: { countries: ['france'] },
          outcomes: { inside: 'success', outside: 'failure', unknown: 'failure' },
        },
      },
    };
    expect(() => engine.load(flow)).toThrow(/\/nodes\/fence\/config\/countries\/0: ERR_FLOW_CONFIG: .*"france" does not match/);
  });
});

testNodeConfigs(
  geofence,
  {
    valid: [{ countries: ['FR'] }, { countries: ['FR', 'DE'], header: 'x-country' }],
    invalid: [
      { config: {}, pointer: '/countries', message: 'is missing' },
      { config: { countries: ['france'] }, pointer: '/countries/0' },
    ],
  },
  { describe, it },
);
