import type { NodeContext } from '@waymark/sdk';

/** The roots a ref may start with; never `secrets`. */
export const REF_ROOTS = ['state', 'request', 'params', 'par', 'client', 'journey'] as const;

/** A JSON Schema for a ref string: `state.<path>`, `request.ip`, `params.<name>`, … */
export const REF_SCHEMA = { type: 'string', maxLength: 200, pattern: '^(state|request|params|par|client|journey)(\\.[^.]+)*$' } as const;

/**
 * What refs can reach in one step: the journey's state, the request (IP, user agent, headers,
 * cookies), the parameters, the pushed request, the client's id and the journey's fields.
 * Secrets are deliberately not reachable: decisions are traced, and refs must not leak them.
 */
export function refRoots(ctx: NodeContext): Record<string, unknown> {
  return {
    state: ctx.state,
    request: { ip: ctx.request.ip, userAgent: ctx.request.userAgent, headers: ctx.request.headers, cookies: ctx.request.cookies },
    params: ctx.params,
    par: ctx.par,
    client: ctx.client && { clientId: ctx.client.clientId },
    journey: ctx.journey,
  };
}

/** Follows own properties only (never a prototype's); undefined where the path ends. */
export function walk(from: unknown, keys: readonly string[]): unknown {
  let value = from;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A resolver of dotted refs (`state.user.mail`) over the step's roots. */
export function resolver(ctx: NodeContext): (ref: string) => unknown {
  const roots = refRoots(ctx);
  return (path) => walk(roots, path.split('.'));
}
