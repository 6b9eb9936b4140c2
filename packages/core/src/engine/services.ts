import type { Clock, Logger, Services, Stores } from '@waymark/sdk';

/** The logger of an engine given none. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A frozen object whose methods call the store's own: what nodes see of one store. */
function facade<T extends object>(store: T): T {
  const methods: Record<string, unknown> = {};
  for (let proto: object | null = store; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (store as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in methods) && typeof value === 'function')
        methods[key] = (...args: unknown[]) => ((store as Record<string, unknown>)[key] as (...a: unknown[]) => unknown).apply(store, args);
    }
  }
  return Object.freeze(methods) as T;
}

function storeFacades(stores: Stores): Stores {
  return Object.freeze(
    Object.fromEntries(Object.entries(stores).map(([name, store]) => [name, facade(store as object)])),
  ) as unknown as Stores;
}

/**
 * The services every node of an engine sees (`ctx.services`), frozen: the extra services, a
 * clock, the stores, the logger and fetch. The clock and stores are frozen facades: a node
 * patching `clock.now` or a store method must not change them for everyone.
 */
export function nodeServices(input: {
  extra: Record<string, unknown> | undefined;
  now: Clock['now'];
  stores: Stores;
  logger: Logger;
  fetch: typeof fetch;
}): Services {
  return Object.freeze({
    ...(input.extra ?? {}),
    clock: Object.freeze({ now: input.now }),
    stores: storeFacades(input.stores),
    logger: input.logger,
    fetch: input.fetch,
  }) as Services;
}
