import type { Client } from '../clients/types.js';
import { HttpError } from '../errors.js';

/**
 * The flow an authorization request runs: the first `acr_values` value that is one of the
 * client's `allowed_flows`, else the client's default flow (its first allowed flow). An
 * `acr_values` that names none of them is refused rather than silently downgraded. The PAR
 * endpoint (for the push phase) and the authorize endpoint (for a plain request) choose alike.
 */
export function flowFor(client: Client, acrValues: string | undefined): string {
  if (acrValues === undefined) return client.defaultFlow;
  const flow = acrValues
    .split(' ')
    .filter(Boolean)
    .find((value) => client.allowedFlows.includes(value));
  if (flow === undefined) throw new HttpError('ERR_FLOW_NOT_ALLOWED', 'acr_values names no flow this client may run', { param: 'acr_values' });
  return flow;
}
