import type { SuccessResult } from '@waymark/core';
import type { Stores } from '@waymark/sdk';

/**
 * oidc-provider's `login` interaction result. A type alias rather than an interface: the
 * published `InteractionResults['login']` has an index signature, which only an alias
 * satisfies without one of its own.
 */
export type LoginResult = {
  accountId: string;
  acr: string;
  amr?: string[];
  /** Authentication time, epoch seconds. */
  ts: number;
  remember: boolean;
};

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === 'string')) return value;
  return undefined;
}

/**
 * Turns a successful journey into the provider's login: the subject, and the `acr`, `amr` and
 * authentication time of the Waymark session the journey created or found (a silent login
 * reports when the user really authenticated, not now). A journey that ran without a session
 * takes them from its state (`acr`, `amr`) and the current time. `acr` falls back to the flow
 * id, which is also what `acr_values` names.
 * Undefined when the journey identified nobody.
 */
export async function loginResult(result: SuccessResult, stores: Stores, now: number): Promise<LoginResult | undefined> {
  if (result.sub === undefined || result.sub === '') return undefined;
  const session = result.sessionId !== undefined ? await stores.sessions.get(result.sessionId) : undefined;
  const acr = session?.acr ?? (typeof result.state.acr === 'string' ? result.state.acr : result.flowId);
  const amr = session?.amr ?? stringList(result.state.amr);
  const ts = Math.floor((session?.authTime ?? now) / 1000);
  return { accountId: result.sub, acr, ...(amr ? { amr } : {}), ts, remember: true };
}
