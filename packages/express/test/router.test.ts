import { describe, expect, it } from '@jest/globals';
import { createMemoryStores } from '@waymark/core';
import { RouterOptionsError, createWaymarkRouter, type WaymarkRouterOptions } from '@waymark/express';
import { clients } from './support/app.js';

const valid: WaymarkRouterOptions = { issuer: 'https://login.example.com', clients: [clients.mobile], stores: createMemoryStores() };

describe('createWaymarkRouter options', () => {
  it('builds a router exposing metrics, clients and the shared context', () => {
    const router = createWaymarkRouter(valid);
    expect(router.clients.get('mobile-app')?.defaultFlow).toBe('login');
    expect(router.context.endpoints.pushedAuthorizationRequest).toBe('https://login.example.com/par');
    expect(router.context.parRateLimit).toEqual({ max: 60, clientMax: 6000, windowSeconds: 60 });
    expect(router.context.bodyLimit).toBe('16kb');
    expect(typeof router.metrics.render).toBe('function');
  });

  it.each<[string, Partial<WaymarkRouterOptions>, string]>([
    ['a relative issuer', { issuer: '/login' }, 'issuer'],
    ['an http issuer on a public host', { issuer: 'http://login.example.com' }, 'issuer'],
    ['an issuer with a query', { issuer: 'https://login.example.com/?x=1' }, 'issuer'],
    ['an issuer with a fragment', { issuer: 'https://login.example.com/#x' }, 'issuer'],
    ['missing stores', { stores: undefined }, 'stores'],
    ['stores without counters', { stores: { ...createMemoryStores(), counters: undefined } as never }, 'stores'],
    ['a host name as a trusted proxy', { trustedProxies: ['proxy.internal'] }, 'trustedProxies'],
    ['a zero rate limit', { parRateLimit: { max: 0, windowSeconds: 60 } }, 'parRateLimit'],
    ['a body limit in furlongs', { bodyLimit: '3 furlongs' }, 'bodyLimit'],
  ])('refuses %s with ERR_ROUTER_OPTIONS naming the option', (_name, override, option) => {
    let caught: unknown;
    try {
      createWaymarkRouter({ ...valid, ...override });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RouterOptionsError);
    expect((caught as RouterOptionsError).code).toBe('ERR_ROUTER_OPTIONS');
    expect((caught as RouterOptionsError).details['option']).toBe(option);
  });

  it('accepts http for a localhost issuer (development)', () => {
    expect(() => createWaymarkRouter({ ...valid, issuer: 'http://localhost:3000' })).not.toThrow();
  });
});
